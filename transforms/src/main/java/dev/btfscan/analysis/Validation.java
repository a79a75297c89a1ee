package dev.btfscan.analysis;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfKind;
import dev.btfscan.btf.TypeRefs;
import java.util.ArrayList;
import java.util.List;

/** The validation questions the analyzer asks, answered as report lines. */
final class Validation {
  private static final int MAX_LINES = 20;

  private Validation() {}

  /** Errors that make the blob unusable on its base, at most {@value #MAX_LINES} lines. */
  static List<String> errors(Btf btf) {
    List<String> out = new ArrayList<>(stringSectionErrors(btf));
    for (int id = btf.startId(); id < btf.endId() && out.size() < MAX_LINES; id++) {
      int[] w = btf.words(id);
      BtfKind kind = btf.kind(id);
      int vlen = btf.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        if (Integer.toUnsignedLong(w[s]) >= btf.endId()) {
          out.add("type [" + id + "] " + label(kind) + ": invalid type id " + Integer.toUnsignedLong(w[s])
              + " (last id " + (btf.endId() - 1) + ")");
        }
      }
      for (int s : TypeRefs.nameSlots(kind, vlen)) {
        if (!btf.isStringStart(w[s])) {
          out.add("type [" + id + "] " + label(kind) + ": invalid name offset " + Integer.toUnsignedLong(w[s]));
        }
      }
    }
    return out;
  }

  /** What can be checked without the base: the string section is NUL-terminated. */
  static List<String> stringSectionErrors(Btf btf) {
    List<String> out = new ArrayList<>();
    int len = btf.stringsLength();
    if (len > 0 && btf.stringByte(len - 1) != 0) {
      out.add("string section is not NUL-terminated");
    }
    return out;
  }

  private static String label(BtfKind kind) {
    return kind == null ? "UNKN" : kind.label();
  }
}
