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
      ".//lib/modules/6.1.0/kernel/fs/xfs.ko, lib/modules/6.1.0/kernel/fs/xfs.ko",
      "./, ''",
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

  /** An absolute member name is reported where an extractor puts it (leading slashes dropped), flagged. */
  @ParameterizedTest
  @CsvSource({
      "/abs/x.ko, abs/x.ko",
      "//x.ko, x.ko",
      "/./x.ko, x.ko",
      "///lib/modules/6.1.0/kernel/x.ko, lib/modules/6.1.0/kernel/x.ko",
      "/usr/lib/modules/6.1.0/vmlinuz, usr/lib/modules/6.1.0/vmlinuz",
      "/, ''",
  })
  void flagsAbsoluteNamesAndKeysThemRelative(String raw, String expected) {
    EntryPath p = EntryPath.sanitize(raw);
    assertEquals(expected, p.path());
    assertEquals(raw, p.raw());
    assertTrue(p.isUnsafe());
    assertEquals("absolute name", p.unsafeReason());
  }

  @Test
  void aLeadingDotSlashIsRelativeNotAbsolute() {
    // deb data.tar and rpm's newc cpio store ./lib/...: the normal case, never flagged
    assertNull(EntryPath.sanitize("./lib/modules/6.1.0/kernel/x.ko").unsafeReason());
    assertNull(EntryPath.sanitize("./").unsafeReason());
  }

  @Test
  void anAbsoluteNameThatAlsoClimbsGivesBothReasons() {
    EntryPath p = EntryPath.sanitize("/../../etc/x.ko");
    assertEquals("../../etc/x.ko", p.path());
    assertEquals("absolute name; '..' escapes the package root", p.unsafeReason());
  }

  @Test
  void flagsNulBytes() {
    EntryPath p = EntryPath.sanitize("a\0b.ko");
    assertEquals("a?b.ko", p.path());
    assertEquals("name contains a NUL byte", p.unsafeReason());
    assertEquals("name contains a NUL byte; absolute name", EntryPath.sanitize("/a\0b.ko").unsafeReason());
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
