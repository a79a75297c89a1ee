package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.pkg.EntryPath;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlobPathsTest {
  @Test
  void keepsOrdinaryNamesReadable() {
    assertEquals("blobs/6.1.0-13-amd64/lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko.blob",
        BlobPaths.forModule("6.1.0-13-amd64", "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko"));
  }

  @Test
  void neutralisesDangerousNames() {
    for (String path : List.of("../../etc/passwd", "/abs/x.ko", "a/./b.ko", "a//b.ko", ".hidden/x.ko", "sp ace/ü.ko", "")) {
      String blob = BlobPaths.forModule("6.1", path);
      assertTrue(blob.startsWith("blobs/6.1/"), blob);
      assertTrue(blob.matches("[A-Za-z0-9._+~/-]+"), blob);
      for (String segment : blob.split("/")) {
        assertFalse(segment.isEmpty() || segment.startsWith("."), blob);
      }
      assertTrue(blob.contains("~"), "a changed name carries its hash: " + blob);
    }
    assertTrue(BlobPaths.forModule("../x", "a.ko").startsWith("blobs/____x/"));
  }

  /**
   * The scan keys an entry by {@link EntryPath#path()}: an absolute member name never reaches
   * BlobPaths as such, its blob is named from the relative key, under blobs/ like any other; one
   * that also climbs keeps its '..' in the key, which BlobPaths neutralises (and marks with a hash).
   */
  @Test
  void anAbsoluteMemberNameGetsItsBlobFromItsRelativeKey() {
    assertEquals("blobs/6.1/p.tar/abs/x.ko.blob", BlobPaths.of("6.1", "p.tar", EntryPath.sanitize("/abs/x.ko").path()));
    assertEquals("blobs/6.1/p.tar/x.ko.blob", BlobPaths.of("6.1", "p.tar", EntryPath.sanitize("//x.ko").path()));
    String climbing = BlobPaths.of("6.1", "p.tar", EntryPath.sanitize("/../../etc/x.ko").path());
    assertTrue(climbing.startsWith("blobs/6.1/p.tar/") && !climbing.contains("/../") && climbing.contains("~"), climbing);
  }

  @Test
  void changedNamesNeverCollideWithEachOtherOrWithPlainOnes() {
    Set<String> seen = new HashSet<>();
    for (String path : List.of("a b.ko", "a_b.ko", "a?b.ko", "a/b.ko", "a.blob/b.ko", "a.blob_/b.ko", "a.blob")) {
      assertTrue(seen.add(BlobPaths.forModule("r", path)), path + " collides");
    }
    assertNotEquals(BlobPaths.forModule(null, "a.ko"), BlobPaths.forModule("~no-release", "a.ko"));
  }

  @Test
  void aFileNeverTakesTheNameOfADirectoryAnotherBlobNeeds() {
    String file = BlobPaths.forModule("r", "a/b");
    String nested = BlobPaths.forModule("r", "a/b/c.ko");
    assertFalse(nested.startsWith(file + "/"), file + " vs " + nested);
    assertEquals("blobs/r/a/b.blob", file);
  }

  @Test
  void capsLongSegments() {
    String blob = BlobPaths.forModule("r", "x".repeat(500) + ".ko");
    for (String segment : blob.split("/")) {
      assertTrue(segment.length() <= 140, segment.length() + " chars");
    }
  }

  @Test
  void isAFunctionOfItsInputs() {
    assertEquals(BlobPaths.forModule("r", "a b.ko"), BlobPaths.forModule("r", "a b.ko"));
  }

  @Test
  void unsafePackageEntriesStayUnderBlobs() {
    for (String path : new String[] {"../x.ko", "../../etc/x.ko", "../../tmp/btfscan-escape.ko", "a/..", ".."}) {
      String p = BlobPaths.of("../../rel", "pkg", path);
      assertTrue(p.startsWith("blobs/_______rel/pkg/"), p);
      for (String segment : p.split("/")) {
        assertFalse(segment.isEmpty() || segment.equals(".") || segment.equals(".."), p);
      }
    }
  }

  @Test
  void duplicateEntriesOfOnePackageGetDistinctBlobPaths() {
    String first = BlobPaths.of("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko");
    String second = BlobPaths.ofDuplicate("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko", "ab12");
    String third = BlobPaths.ofDuplicate("6.1.0", "p.tar", "lib/modules/6.1.0/dup.ko", "cd34");
    assertNotEquals(first, second);
    assertNotEquals(second, third);
    assertTrue(second.startsWith("blobs/6.1.0/p.tar/lib/modules/6.1.0/"), second);
  }

  @Test
  void theSameModulePathInTwoPackagesHasTwoBlobs() {
    assertNotEquals(BlobPaths.of("6.1.0", "a.deb", "lib/modules/6.1.0/x.ko"), BlobPaths.of("6.1.0", "b.rpm", "lib/modules/6.1.0/x.ko"));
  }
}
