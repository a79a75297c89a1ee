package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntryPathTest {
  @ParameterizedTest
  @CsvSource({
      "./lib/modules/6.1.0/kernel/fs/xfs.ko, lib/modules/6.1.0/kernel/fs/xfs.ko",
      "/usr/lib/modules/6.1.0/vmlinuz, usr/lib/modules/6.1.0/vmlinuz",
      "boot//vmlinuz-6.1.0, boot/vmlinuz-6.1.0",
      "././boot/./vmlinuz, boot/vmlinuz",
      "lib/modules/x/../y/a.ko, lib/modules/y/a.ko",
      "lib/modules/6.1.0/, lib/modules/6.1.0",
  })
  void normalisesSafeNames(String raw, String expected) {
    EntryPath p = EntryPath.sanitize(raw);
    assertEquals(expected, p.path());
    assertEquals(raw, p.raw());
    assertNull(p.unsafeReason());
    assertFalse(p.isUnsafe());
  }

  @Test
  void flagsDotDotThatEscapesTheRootButKeepsItAsAKey() {
    EntryPath p = EntryPath.sanitize("./../../etc/passwd");
    assertEquals("../../etc/passwd", p.path());
    assertTrue(p.isUnsafe());
    assertEquals("'..' escapes the package root", p.unsafeReason());
    EntryPath q = EntryPath.sanitize("lib/../../x.ko");
    assertEquals("../x.ko", q.path());
    assertTrue(q.isUnsafe());
  }

  @Test
  void flagsNulBytes() {
    EntryPath p = EntryPath.sanitize("a\0b.ko");
    assertEquals("a?b.ko", p.path());
    assertEquals("name contains a NUL byte", p.unsafeReason());
  }

  @Test
  void rootAndNullBecomeTheEmptyPath() {
    assertEquals("", EntryPath.sanitize("./").path());
    assertEquals("", EntryPath.sanitize("/").path());
    assertEquals("", EntryPath.sanitize(null).path());
    assertEquals("", EntryPath.sanitize(null).raw());
  }

  @Test
  void fileNameIsTheLastSegment() {
    assertEquals("xfs.ko.xz", EntryPath.sanitize("./lib/modules/6.1/xfs.ko.xz").fileName());
    assertEquals("vmlinux", EntryPath.sanitize("vmlinux").fileName());
  }
}
