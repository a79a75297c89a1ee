package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.io.KernelPackageIO;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DirectRunner gets a worker thread per package being read, at most one per core. */
class DirectParallelismTest {
  @Test
  void onePackageGetsOneThreadSoTheDriverCannotSpinOnAnIdleOne() {
    assertEquals(1, ScanPipeline.directParallelism(1, 8));
    assertEquals(1, ScanPipeline.directParallelism(0, 8)); // nothing matched: still a runnable pipeline
  }

  @Test
  void manyPackagesGetEveryCore() {
    assertEquals(2, ScanPipeline.directParallelism(5, 2));
    assertEquals(3, ScanPipeline.directParallelism(3, 16));
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
