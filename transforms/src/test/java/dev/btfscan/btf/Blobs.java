package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.btfscan.btf.BtfProblem.Severity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Small blobs for validator tests, built with {@link BtfBuilder}, and assertions on results. */
final class Blobs {
  static final int SIGNED = 1;

  private Blobs() {}

  static int info(BtfKind k, int vlen) {
    return k.code() << 24 | vlen;
  }

  static int infoKflag(BtfKind k, int vlen) {
    return info(k, vlen) | 0x80000000;
  }

  static int intData(int encoding, int offset, int bits) {
    return encoding << 24 | offset << 16 | bits;
  }

  /** A standalone builder holding [1] INT 'int' (4 bytes, signed) and [2] INT 'char' (1 byte). */
  static BtfBuilder withInts() {
    BtfBuilder b = new BtfBuilder(null);
    b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0), 4, intData(SIGNED, 0, 32)});
    b.addType(new int[] {b.addString("char"), info(BtfKind.INT, 0), 1, intData(0, 0, 8)});
    return b;
  }

  static byte[] le(BtfBuilder b) {
    return b.build(ByteOrder.LITTLE_ENDIAN);
  }

  static ValidationResult validate(byte[] blob) {
    try {
      return BtfValidator.validate(BtfParser.parse(blob));
    } catch (BtfFormatException e) {
      throw new AssertionError("test blob does not parse: " + e.getMessage(), e);
    }
  }

  static ValidationResult validate(BtfBuilder b) {
    return validate(le(b));
  }

  static void putInt(byte[] blob, int offset, int value) {
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
  }

  static int getInt(byte[] blob, int offset) {
    return ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
  }

  /** The problems whose text contains {@code text}; fails, showing the result, when there are none. */
  static List<BtfProblem> assertProblem(ValidationResult r, Severity sev, String text) {
    List<BtfProblem> found = new ArrayList<>();
    for (BtfProblem p : r.problems()) {
      if (p.severity() == sev && p.toString().contains(text)) {
        found.add(p);
      }
    }
    if (found.isEmpty()) {
      fail("expected a " + sev + " containing \"" + text + "\", got:\n" + r);
    }
    return found;
  }

  static BtfProblem assertError(ValidationResult r, String text) {
    return assertProblem(r, Severity.ERROR, text).get(0);
  }

  static void assertClean(ValidationResult r) {
    assertEquals(0, r.errorCount() + r.warningCount(), r.toString());
  }

  static void assertErrorCount(ValidationResult r, long n) {
    assertEquals(n, r.errorCount(), r.toString());
  }
}
