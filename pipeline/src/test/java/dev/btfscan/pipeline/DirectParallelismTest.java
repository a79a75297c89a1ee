package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.io.KernelPackageIO;
import dev.btfscan.io.KernelPackageIO.PackageCount;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DirectRunner gets a worker thread per package that can be read at once, at most one per
 * core and as many as the heap holds; packages that decode on every core are read one per decode
 * slot.
 */
class DirectParallelismTest {
  private static final long GIB = 1L << 30;

  private static int threads(long packages, long decodingOnEveryCore, int cores, long maxHeap) {
    return ScanPipeline.directParallelism(new PackageCount(packages, decodingOnEveryCore), cores, maxHeap);
  }

  @Test
  void onePackageGetsOneThreadSoTheDriverCannotSpinOnAnIdleOne() {
    assertEquals(1, threads(1, 0, 8, 8 * GIB));
    assertEquals(1, threads(0, 0, 8, 8 * GIB)); // nothing matched: still a runnable pipeline
  }

  @Test
  void manyPackagesGetEveryCore() {
    assertEquals(2, threads(5, 0, 2, 8 * GIB));
    assertEquals(3, threads(3, 0, 16, 8 * GIB));
  }

  @Test
  void packagesThatDecodeOnEveryCoreGetOneThreadPerDecodeSlot() {
    assertEquals(1, threads(5, 5, 2, 8 * GIB)); // 2 cores: one slot
    assertEquals(4, threads(5, 5, 8, 8 * GIB)); // 8 cores: four slots
    assertEquals(2, threads(2, 2, 8, 640L << 20)); // the heap holds two slots
  }

  @Test
  void otherPackagesAreReadBesideThem() {
    assertEquals(2, threads(4, 3, 2, 8 * GIB)); // one that decodes on one core, beside one slot
    assertEquals(4, threads(4, 2, 4, 8 * GIB)); // two others beside two slots
    assertEquals(3, threads(3, 2, 4, 8 * GIB)); // one other beside two slots
  }

  @Test
  void noMorePackagesAtOnceThanTheHeapHolds() {
    assertEquals(2, threads(100, 0, 16, 640L << 20));
    assertEquals(1, threads(100, 0, 16, 100L << 20)); // a tiny heap still reads
  }

  @Test
  void packagesAreCountedAsTheScanExpandsItsInputs() throws IOException {
    List<String> packages = ScanFixtures.packages();
    assertEquals(packages.size(), KernelPackageIO.countPackages(packages).packages());
    // a directory of packages counts each package; a missing input counts none
    String rpms = dev.btfscan.fixtures.Fixtures.path("packages/rpm").toString() + "/";
    assertEquals(new PackageCount(5, 0), KernelPackageIO.countPackages(List.of(rpms, "/nonexistent/x.deb")));
    // the fixture debs: data.tar.xz written by threaded xz (sizes in its block header), and zstd
    String debs = dev.btfscan.fixtures.Fixtures.path("packages/deb").toString() + "/";
    assertEquals(new PackageCount(2, 1), KernelPackageIO.countPackages(List.of(debs)));
  }

  @Test
  void kernelFilesAreSpreadOverFourShardsPerDirectRunnerThreadAndTheDefaultElsewhere() {
    org.apache.beam.runners.direct.DirectOptions direct = org.apache.beam.sdk.options.PipelineOptionsFactory.create()
        .as(org.apache.beam.runners.direct.DirectOptions.class);
    direct.setTargetParallelism(3);
    assertEquals(12, ScanPipeline.spreadShards(direct));

    org.apache.beam.sdk.options.PipelineOptions other = org.apache.beam.sdk.options.PipelineOptionsFactory.create();
    other.setRunner(OtherRunner.class);
    assertEquals(KernelPackageIO.SPREAD_SHARDS, ScanPipeline.spreadShards(other));
  }

  /** A runner that is not the DirectRunner: only its name is looked at. */
  static final class OtherRunner extends org.apache.beam.sdk.PipelineRunner<org.apache.beam.sdk.PipelineResult> {
    public static OtherRunner fromOptions(org.apache.beam.sdk.options.PipelineOptions options) {
      return new OtherRunner();
    }

    @Override
    public org.apache.beam.sdk.PipelineResult run(org.apache.beam.sdk.Pipeline pipeline) {
      throw new UnsupportedOperationException();
    }
  }
}
