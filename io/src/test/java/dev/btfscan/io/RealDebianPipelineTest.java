package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** KernelPackageIO over real Debian cloud kernels from the cache; run with -Pintegration. */
@Tag("integration")
class RealDebianPipelineTest {
  @Test
  void readsEveryModuleOfTheCloudKernels() throws IOException {
    Path dir = Fixtures.cache().resolve("debian");
    long debs;
    try (Stream<Path> list = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
      debs = list.filter(p -> p.getFileName().toString().matches("linux-image-6\\.1\\.0-.*-cloud-amd64-.*\\.deb")).count();
    }
    assumeTrue(debs > 0, "no cloud-amd64 packages in " + dir);

    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollectionTuple out = p
        .apply(org.apache.beam.sdk.transforms.Create.of(dir + "/linux-image-6.1.0-*-cloud-amd64-*.deb"))
        .apply(KernelPackageIO.read());
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).satisfies(summaries -> {
      long n = 0;
      for (PackageSummary s : summaries) {
        n++;
        assertEquals("deb", s.format(), s.toString());
        assertTrue(s.problems().isEmpty(), s.toString());
        assertEquals(1121, s.modulesSeen(), s.toString());
        assertEquals(1, s.kernelImagesSeen(), s.toString());
      }
      assertEquals(debs, n);
      return null;
    });
    PAssert.thatSingleton(out.get(KernelPackageIO.KERNEL_FILES).apply(Count.globally())).isEqualTo(debs * 1122);
    p.run().waitUntilFinish();
  }
}
