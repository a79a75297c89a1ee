package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NamePackages#names}: the fewest last path segments that tell same-named packages apart. */
class NamePackagesTest {
  @Test
  void theParentDirectoryTellsTwoCopiesApart() {
    assertEquals(List.of("a/x.deb", "b/x.deb"), NamePackages.names(List.of("/srv/a/x.deb", "/srv/b/x.deb")));
  }

  @Test
  void everyNameOfAGroupTakesAsManySegmentsAsTheHardestPair() {
    assertEquals(List.of("h1/pool/x.rpm", "h2/pool/x.rpm", "h3/other/x.rpm"),
        NamePackages.names(List.of("/m/h1/pool/x.rpm", "/m/h2/pool/x.rpm", "/m/h3/other/x.rpm")));
  }

  @Test
  void treesAreNamedWithoutTheirTrailingSlash() {
    assertEquals(List.of("host-a/rootfs", "host-b/rootfs"),
        NamePackages.names(List.of("/data/host-a/rootfs/", "/data/host-b/rootfs/")));
  }

  @Test
  void theSamePathOnTwoFilesystemsKeepsItsWholeLocation() {
    assertEquals(List.of("/data/x.deb", "gs://data/x.deb"), NamePackages.names(List.of("/data/x.deb", "gs://data/x.deb")));
  }
}
