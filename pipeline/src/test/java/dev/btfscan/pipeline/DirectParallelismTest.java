package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.io.KernelPackageIO;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DirectRunner gets a worker thread per package being read, at most one per core and as many as the heap holds. */
class DirectParallelismTest {
  private static final long GIB = 1L << 30;

  @Test
  void onePackageGetsOneThreadSoTheDriverCannotSpinOnAnIdleOne() {
    assertEquals(1, ScanPipeline.directParallelism(1, 8, 8 * GIB));
    assertEquals(1, ScanPipeline.directParallelism(0, 8, 8 * GIB)); // nothing matched: still a runnable pipeline
  }

  @Test
  void manyPackagesGetEveryCore() {
    assertEquals(2, ScanPipeline.directParallelism(5, 2, 8 * GIB));
    assertEquals(3, ScanPipeline.directParallelism(3, 16, 8 * GIB));
  }

  @Test
  void noMorePackagesAtOnceThanTheHeapHolds() {
    assertEquals(2, ScanPipeline.directParallelism(100, 16, 640L << 20));
    assertEquals(1, ScanPipeline.directParallelism(100, 16, 100L << 20)); // a tiny heap still reads
  }

  @Test
  void packagesAreCountedAsTheScanExpandsItsInputs() throws IOException {
    List<String> packages = ScanFixtures.packages();
    assertEquals(packages.size(), KernelPackageIO.countPackages(packages));
    // a directory of packages counts each package; a missing input counts none
    String rpms = dev.btfscan.fixtures.Fixtures.path("packages/rpm").toString() + "/";
    assertEquals(5, KernelPackageIO.countPackages(List.of(rpms, "/nonexistent/x.deb")));
  }
}
