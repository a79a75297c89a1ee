package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlobPathsTest {
  @Test
  void unsafeNamesBecomeOneSanitizedSegmentUnderBlobs() {
    for (String path : new String[] {"../x.ko", "../../etc/x.ko", "../../tmp/btfscan-escape.ko", "a/..", ".."}) {
      String p = BlobPaths.forModule("../../rel", "pkg", path);
      assertTrue(p.startsWith("blobs/modules/__.._rel/") || p.startsWith("blobs/modules/_"), p);
      assertFalse(p.contains("/../") || p.contains("/./"), p);
      assertEquals(4, p.split("/").length, p);
    }
  }

  @Test
  void duplicateEntriesOfOnePackageGetDistinctBlobPaths() {
    String first = BlobPaths.forModule("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko");
    String second = BlobPaths.forModule("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko", "ab12");
    String third = BlobPaths.forModule("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko", "cd34");
    assertNotEquals(first, second);
    assertNotEquals(second, third);
    assertTrue(second.startsWith("blobs/modules/6.1.0/dup.ko-"), second);
  }
}
