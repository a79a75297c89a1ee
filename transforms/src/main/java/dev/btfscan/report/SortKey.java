package dev.btfscan.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields joined into one line whose {@link String#compareTo} order is the order of its fields,
 * one after the other, each by {@link String#compareTo}: what lets {@link BaselineDiff} sort rows
 * by several fields with a sorter of plain lines. Fields are joined by U+0000, which sorts below
 * every character, so a field sorts before any longer one it starts; inside a field U+0000 is
 * written as U+0001 U+0001 and U+0001 as U+0001 U+0002, which keeps their order below every other
 * character. A null field is U+0001 U+0003, which no written field is.
 */
final class SortKey {
  private static final char SEPARATOR = '\u0000';
  private static final char ESCAPE = '\u0001';
  private static final String NULL = "\u0001\u0003";

  private SortKey() {}

  static String of(String... fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        b.append(SEPARATOR);
      }
      String f = fields[i];
      if (f == null) {
        b.append(NULL);
        continue;
      }
      for (int k = 0; k < f.length(); k++) {
        char c = f.charAt(k);
        if (c == '\u0000' || c == ESCAPE) {
          b.append(ESCAPE).append((char) (c + 1));
        } else {
          b.append(c);
        }
      }
    }
    return b.toString();
  }

  /** The fields of a line made by {@link #of}. */
  static String[] fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean isNull = false;
    for (int k = 0; k <= line.length(); k++) {
      char c = k < line.length() ? line.charAt(k) : SEPARATOR;
      if (c == SEPARATOR) {
        out.add(isNull ? null : f.toString());
        f.setLength(0);
        isNull = false;
      } else if (c == ESCAPE) {
        char e = ++k < line.length() ? line.charAt(k) : 0;
        if (e == '\u0003') {
          isNull = true;
        } else if (e == '\u0001' || e == '\u0002') {
          f.append((char) (e - 1));
        } else {
          throw new IllegalArgumentException("not a sort key: escape U+0001 followed by " + (int) e);
        }
      } else {
        f.append(c);
      }
    }
    return out.toArray(new String[0]);
  }

  /** {@code n >= 0} as a field that sorts as the number. */
  static String number(long n) {
    String hex = Long.toHexString(n);
    return "0".repeat(16 - hex.length()) + hex;
  }
}
