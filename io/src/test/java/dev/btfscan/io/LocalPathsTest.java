package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A location is local when Beam puts it on the local filesystem, whichever way it is written. */
class LocalPathsTest {
  @Test
  void plainPathsAndFileUrisAreLocalOthersAreNot() {
    assertEquals(Path.of("/data/pkgs/x.deb"), LocalPaths.of("/data/pkgs/x.deb"));
    assertEquals(Path.of("/data/pkgs/"), LocalPaths.of("/data/pkgs/"));
    assertEquals(Path.of("/data/a b/x [1].deb"), LocalPaths.of("file:///data/a%20b/x%20%5B1%5D.deb"));
    assertEquals(Path.of("relative/x.deb"), LocalPaths.of("relative/x.deb"));
    assertNull(LocalPaths.of("gs://bucket/rpms/x.rpm"), "no filesystem registered for gs here: not local");
  }
}
