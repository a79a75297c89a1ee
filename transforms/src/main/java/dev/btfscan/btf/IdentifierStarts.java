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

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

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

  private static final java.lang.invoke.VarHandle LONG_BE = java.lang.invoke.MethodHandles
      .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  /** Gathers bit 7 of each byte of a big-endian word (bit 0 after {@code >>> 7}): memory k to bit 7 - k. */
  private static final long GATHER = 0x0102040810204080L;
  /**
   * Blocks of 64 bytes in a row without a NUL that a string of KSYM_NAME_LEN bytes or more leaves
   * among the blocks read, at the least: its bytes up to the last whole block are at least
   * KSYM_NAME_LEN - 63 (the rest are past it), of which up to 63 precede the first block boundary.
   */
  private static final int LONG_RUN_BLOCKS = (BtfValidator.KSYM_NAME_LEN - 63) / 64;

  /**
   * Bit {@code p} set for each string start {@code p} (0, or just after a NUL) of the {@code len}
   * bytes at {@code d[base]} that is a valid identifier, by the rule BtfValidator applies to one
   * name: an identifier byte that is no digit, then identifier bytes, then a NUL, shorter than
   * {@link BtfValidator#KSYM_NAME_LEN}.
   *
   * <p>Why it is fast (vmlinux has 1.7 MB of strings, and this bitmap is made once per blob): the
   * bytes are read in blocks of 64, from the last block to the first, as three masks of a bit per
   * byte (NULs, identifier bytes, bytes that may start one), the block's first byte in the top bit,
   * so that an addition carries from later bytes to earlier ones. NULs plus (identifier bytes or
   * NULs) plus the carry from the block after: each NUL starts a carry, identifier bytes pass it
   * on, any other byte stops it, and a NUL the carry reaches keeps it in its bit. So the bit of a
   * NUL says that the string after it is identifier bytes up to its NUL, and the carry out of the
   * block says so for the string running into the block before. The strings so found are kept when
   * their first byte may start an identifier (no digit, not empty). No branch per byte or per
   * string; the length rule is settled apart, only when blocks without a NUL show that a string
   * may be that long.
   */
  static long[] of(byte[] d, int base, int len) {
    long[] bits = new long[(len + 63) >>> 6];
    // clean: the bytes from the one being read up to the next NUL are identifier bytes (and there
    // is such a NUL): the carry. Past the end there is no NUL, so no string running there counts.
    long clean = 0;
    // whether the byte after the one being read may start an identifier (0 or 1)
    long firstAfter = 0;
    int whole = len & ~63;
    for (int q = len - 1; q >= whole; q--) { // the last bytes, one at a time, by the same rule
      int c = d[base + q] & 0xff;
      if (c == 0) {
        if ((clean & firstAfter) != 0) {
          bits[(q + 1) >>> 6] |= 1L << (q + 1);
        }
        clean = 1;
      } else if ((NAME_CHAR[c] & IDENT_REST) == 0) {
        clean = 0;
      }
      firstAfter = (NAME_CHAR[c] & IDENT_FIRST) != 0 ? 1 : 0;
    }
    int withoutNul = 0;
    int longestRun = 0;
    for (int q = whole - 64; q >= 0; q -= 64) {
      // bit 63 - k for the byte at q + k
      long nuls = 0;
      long idents = 0;
      long firsts = 0;
      for (int p = q; p < q + 64; p += 8) {
        long x = (long) LONG_BE.get(d, base + p);
        long y = x & ~HIGHS;
        long zero = ~((y + ~HIGHS) | x) & HIGHS; // bit 7 of each NUL byte
        long digits = inRange(y, '0', '9');
        long letters = inRange(y | ONES * 0x20, 'a', 'z'); // 0x20 set folds A-Z, and only them, onto a-z
        long ident = (letters | digits | equal(y, '_') | equal(y, '.')) & ~x; // no byte >= 0x80
        nuls = nuls << 8 | ((zero >>> 7) * GATHER) >>> 56;
        idents = idents << 8 | ((ident >>> 7) * GATHER) >>> 56;
        firsts = firsts << 8 | (((ident & ~digits) >>> 7) * GATHER) >>> 56;
      }
      long passing = idents | nuls;
      long sum = nuls + passing + clean;
      long cleanAfterNul = sum & nuls;
      // the string after a NUL at q + k starts at q + k + 1: one bit lower; at q + 64, the next
      // block's first byte
      bits[q >>> 6] = Long.reverse((cleanAfterNul >>> 1) & firsts);
      if ((cleanAfterNul & firstAfter) != 0) {
        bits[(q >>> 6) + 1] |= 1L;
      }
      clean = ((nuls & passing) | ((nuls | passing) & ~sum)) >>> 63;
      firstAfter = firsts >>> 63;
      if (nuls != 0) {
        withoutNul = 0;
      } else {
        longestRun = Math.max(longestRun, ++withoutNul);
      }
    }
    if ((clean & firstAfter) != 0) { // the first string, with no NUL before it
      bits[0] |= 1L;
    }
    if (longestRun >= LONG_RUN_BLOCKS) {
      clearLongStrings(d, base, len, bits);
    }
    return bits;
  }

  /** Clears the starts of strings of KSYM_NAME_LEN bytes or more, which no name may be. */
  private static void clearLongStrings(byte[] d, int base, int len, long[] bits) {
    int strStart = 0;
    for (int q = 0; q < len; q++) {
      if (d[base + q] == 0) {
        if (q - strStart >= BtfValidator.KSYM_NAME_LEN) {
          bits[strStart >>> 6] &= ~(1L << strStart);
        }
        strStart = q + 1;
      }
    }
  }
}
