package dev.btfscan.btf;

/**
 * The string offsets of one string section that start a valid identifier, as a bitmap: what lets
 * {@link BtfValidator} pass a name slot with one bit read instead of the name's bytes. A split
 * module names most members with its base's strings, so the base's bitmap is made once per base
 * ({@link Btf#identifierStarts()}) and shared by every module validated on it.
 */
final class IdentifierStarts {
  private IdentifierStarts() {}

  private static final byte IDENT_FIRST = 1;
  private static final byte IDENT_REST = 2;
  /** The classes of each byte value for the name rules of BtfValidator's name checks. */
  private static final byte[] NAME_CHAR = new byte[256];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      boolean letter = c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      NAME_CHAR[c] = (byte) ((letter ? IDENT_FIRST | IDENT_REST : 0)
          | (c >= '0' && c <= '9' ? IDENT_REST : 0));
    }
  }

  private static final java.lang.invoke.VarHandle LONG_LE = java.lang.invoke.MethodHandles
      .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Bit 7 of each byte of {@code x} set when that byte is not {@code [A-Za-z0-9_.]} (IDENT_REST of
   * {@link #NAME_CHAR}), others clear: per-byte range tests on the low 7 bits, which cannot carry
   * into the next byte, and bytes with bit 7 set are never identifier bytes.
   */
  static long notIdentBytes(long x) {
    long y = x & ~HIGHS;
    long letters = inRange(y | ONES * 0x20, 'a', 'z'); // 0x20 set folds A-Z, and only them, onto a-z
    long digitsOrDot = inRange(y, '.', '9') & ~equal(y, '/'); // '.', '/', '0'-'9' but '/'
    long ident = letters | digitsOrDot | equal(y, '_');
    return ~ident & HIGHS | x & HIGHS;
  }

  /** Bit 7 of each byte of {@code y} (bytes below 0x80) set when the byte is {@code c}. */
  private static long equal(long y, int c) {
    long t = y ^ ONES * c; // 0 where equal, else 1..0x7f, which + 0x7f sets bit 7 without a carry
    return ~(t + ~HIGHS) & HIGHS;
  }

  /** Bit 7 of each byte of {@code y} (bytes below 0x80) set when lo <= byte <= hi. */
  private static long inRange(long y, int lo, int hi) {
    long atLeastLo = y + ONES * (0x80 - lo);
    long aboveHi = y + ONES * (0x7f - hi);
    return atLeastLo & ~aboveHi & HIGHS;
  }

  /**
   * Bit {@code p} set for each string start {@code p} (0, or just after a NUL) of the {@code len}
   * bytes at {@code d[base]} that is a valid identifier, by the rule BtfValidator applies to one
   * name: an identifier byte that is no digit, then identifier bytes, then a NUL, shorter than
   * {@link BtfValidator#KSYM_NAME_LEN}. One streaming pass eight bytes at a time: each word gives a mask of its NULs and one of its bytes
   * that are neither NUL nor identifier bytes ("bad"); a string ending at a NUL is valid when the
   * last bad byte before that NUL precedes its start. No branch per byte, one loop step per NUL.
   */
  static long[] of(byte[] d, int base, int len) {
    long[] bits = new long[(len + 63) >>> 6];
    int strStart = 0; // the start of the string being read
    int lastBad = -1; // the position of the last bad byte read
    int q = 0;
    for (; q + 8 <= len; q += 8) {
      long x = (long) LONG_LE.get(d, base + q);
      long zero = ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS); // bit 7 of each NUL byte
      long bad = notIdentBytes(x) & ~zero;
      while (zero != 0) {
        int bit = Long.numberOfTrailingZeros(zero);
        int nul = q + (bit >>> 3);
        long badBefore = bad & ((1L << bit) - 1);
        int lb = badBefore != 0 ? q + ((63 - Long.numberOfLeadingZeros(badBefore)) >>> 3) : lastBad;
        if (lb < strStart && nul > strStart && nul - strStart < BtfValidator.KSYM_NAME_LEN
            && (NAME_CHAR[d[base + strStart] & 0xff] & IDENT_FIRST) != 0) {
          bits[strStart >>> 6] |= 1L << strStart;
        }
        strStart = nul + 1;
        zero &= zero - 1;
      }
      if (bad != 0) {
        lastBad = q + ((63 - Long.numberOfLeadingZeros(bad)) >>> 3);
      }
    }
    for (; q < len; q++) { // the last bytes, one at a time, by the same rule
      int c = d[base + q] & 0xff;
      if (c == 0) {
        if (lastBad < strStart && q > strStart && q - strStart < BtfValidator.KSYM_NAME_LEN
            && (NAME_CHAR[d[base + strStart] & 0xff] & IDENT_FIRST) != 0) {
          bits[strStart >>> 6] |= 1L << strStart;
        }
        strStart = q + 1;
      } else if ((NAME_CHAR[c] & IDENT_REST) == 0) {
        lastBad = q;
      }
    }
    return bits;
  }
}
