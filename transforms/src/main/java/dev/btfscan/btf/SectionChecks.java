package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The checks of the blob as a whole, before any type: the sections fill the blob after the header
 * (btf_check_sec_info), the kind-layout section sizes the known kinds as they are, the string
 * section is last and well formed (btf_parse_str_sec), and the type count fits BTF_MAX_TYPE.
 */
final class SectionChecks {
  private SectionChecks() {}

  static void checkSections(Btf btf, ProblemLog log) {
    BtfHeader h = btf.header();
    long expected = (long) btf.availableLength() - h.hdrLen();
    String[] names = h.hasLayoutFields()
        ? new String[] {"type", "string", "kind-layout"} : new String[] {"type", "string"};
    long[][] secs = new long[names.length][];
    for (int i = 0; i < names.length; i++) {
      long off = i == 0 ? h.typeOff() : i == 1 ? h.strOff() : h.layoutOff();
      long len = i == 0 ? h.typeLen() : i == 1 ? h.strLen() : h.layoutLen();
      secs[i] = new long[] {off, len, i};
    }
    java.util.Arrays.sort(secs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long total = 0;
    for (long[] s : secs) {
      String name = names[(int) s[2]];
      long secStart = h.hdrLen() + s[0];
      if (s[0] > expected) {
        log.blobProblem(Severity.ERROR, Stage.HEADER, secStart,
            "Invalid section offset: " + name + " section starts at " + s[0]
                + ", past the " + expected + " bytes after the header");
        return;
      }
      if (total < s[0]) {
        log.blobProblem(Severity.ERROR, Stage.HEADER, h.hdrLen() + total,
            "Unsupported section found: " + (s[0] - total) + " unaccounted bytes before the "
                + name + " section at " + s[0]);
      } else if (total > s[0]) {
        log.blobProblem(Severity.ERROR, Stage.HEADER, secStart,
            "Section overlap found: " + name + " section at " + s[0]
                + " starts inside the previous section, which ends at " + total);
      }
      total = Math.max(total, s[0] + s[1]);
    }
    if (total > expected) {
      log.blobProblem(Severity.ERROR, Stage.HEADER, -1,
          "Total section length too long: sections end at " + total + ", the blob has " + expected
              + " bytes after the header");
    } else if (total < expected) {
      log.blobProblem(Severity.ERROR, Stage.HEADER, h.hdrLen() + total,
          "Unsupported section found: " + (expected - total) + " trailing bytes after the last section");
    }
    if (!btf.isSplit() && h.typeLen() == 0) {
      log.blobProblem(Severity.ERROR, Stage.HEADER, 8, "No type found: standalone BTF with an empty type section");
    }
    int end = btf.endId();
    if ((long) end - 1 > BtfValidator.MAX_TYPE_ID) {
      log.blobProblem(Severity.ERROR, Stage.META, -1,
          "Exceeded max num of types: last id " + (end - 1) + " > " + BtfValidator.MAX_TYPE_ID);
    }
  }

  /**
   * The kind-layout section must size the kinds this code knows as they are: a reader that trusts
   * the section would otherwise step through the type section differently from one that does not.
   */
  static void checkLayout(Btf btf, ProblemLog log) {
    KindLayout layout = btf.layout();
    if (layout == null) {
      return;
    }
    BtfHeader h = btf.header();
    if (h.layoutLen() % KindLayout.ENTRY_SIZE != 0) {
      log.blobProblem(Severity.ERROR, Stage.HEADER, (long) h.hdrLen() + h.layoutOff(),
          "kind-layout section of " + h.layoutLen() + " bytes is not a whole number of "
              + KindLayout.ENTRY_SIZE + "-byte entries");
    }
    for (BtfKind k : BtfKind.values()) {
      if (!layout.describes(k.code())) {
        continue;
      }
      int info = layout.infoSize(k.code());
      int elem = layout.elemSize(k.code());
      if (info != k.infoSize() || elem != k.memberSize()) {
        log.blobProblem(Severity.ERROR, Stage.HEADER,
            (long) h.hdrLen() + h.layoutOff() + (long) KindLayout.ENTRY_SIZE * k.code(),
            "kind-layout entry for " + k.label() + " gives info_sz " + info + ", elem_sz " + elem
                + "; " + k.label() + " records have " + k.infoSize() + " and " + k.memberSize());
      }
    }
  }

  static void checkStrings(Btf btf, ProblemLog log) {
    BtfHeader h = btf.header();
    int len = h.strLen();
    long secStart = (long) h.hdrLen() + h.strOff();
    if ((long) h.strOff() + len != (long) btf.availableLength() - h.hdrLen()) {
      log.blobProblem(Severity.ERROR, Stage.STRINGS, secStart,
          "String section is not at the end: it ends at " + (secStart + len) + " of "
              + btf.availableLength() + " bytes");
    }
    if (btf.isSplit() && len == 0) {
      return;
    }
    if (len == 0) {
      log.blobProblem(Severity.ERROR, Stage.STRINGS, secStart,
          "Invalid string section: empty (a base or standalone section holds at least the empty string)");
      return;
    }
    if ((long) btf.endStringOffset() - 1 > BtfValidator.MAX_NAME_OFFSET) {
      log.blobProblem(Severity.ERROR, Stage.STRINGS, secStart,
          "Invalid string section: strings end at offset " + btf.endStringOffset()
              + ", past the largest name offset " + BtfValidator.MAX_NAME_OFFSET);
    }
    if (btf.stringByte(len - 1) != 0) {
      log.blobProblem(Severity.ERROR, Stage.STRINGS, secStart + len - 1,
          "Invalid string section: last byte is 0x" + Integer.toHexString(btf.stringByte(len - 1))
              + ", not NUL (last string not terminated)");
    }
    if (!btf.isSplit() && btf.stringByte(0) != 0) {
      log.blobProblem(Severity.ERROR, Stage.STRINGS, secStart,
          "Invalid string section: a base or standalone section must start with NUL (the empty"
              + " string at offset 0), found 0x" + Integer.toHexString(btf.stringByte(0)));
    }
  }
}
