package dev.btfscan.btf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What a split blob reveals, on its own, about the base it was built against.
 *
 * <p>Split BTF stores the global string offsets of its names: an own name is at (base str_len +
 * the offset of that string in the module's own section), and a name shared with the base at its
 * base offset. Libbpf's dedup keeps only referenced strings, so the highest name offset belongs to
 * the last own string; one subtraction gives the base string length, which the remaining
 * offsets must then confirm. This is exact: it identifies a vmlinux build by a number that
 * changes with nearly every rebuild (research: 1689866, 1690278, 1691411 for Debian 6.1.0-47, -50,
 * -53).
 *
 * <p>Type ids give only a bound: own ids run from (base types + 1), so the highest id referenced
 * bounds the base type count from below. The exact count comes from a scanned vmlinux with the
 * same string length.
 *
 * @param strings base string-section length the module was built against, or -1 when the module
 *     has no own strings to tell
 * @param typesAtLeast lower bound on the base's type count (void excluded)
 * @param evidence one sentence on how the figures were reached, for the report
 */
public record BaseFingerprint(long strings, long typesAtLeast, String evidence) {

  /** Bound on candidates tried when the highest name is not the last string (hand-made blobs). */
  private static final int MAX_CANDIDATES = 64;

  public boolean hasStrings() {
    return strings >= 0;
  }

  /**
   * Infers the fingerprint of a split blob {@code framed}, parsed without its base (so its raw name
   * offsets and type ids are read as stored; see {@link BtfParser#parse(byte[])}).
   */
  public static BaseFingerprint infer(Btf framed) {
    int n = framed.typeCount();
    OwnReferences refs = framed.ownReferences();
    long typesAtLeast = Math.max(0, refs.maxTypeId - n);
    int strLen = framed.stringsLength();
    if (strLen == 0 || refs.nameCount() == 0) {
      return new BaseFingerprint(-1, typesAtLeast,
          "no strings of its own: the base string length cannot be inferred; judged by validation alone");
    }
    OwnStrings strings = new OwnStrings(framed.array(), framed.stringsStart(), strLen);
    long maxName = refs.maxName;
    int starts = strings.starts(); // what any candidate's coverage is a share of
    long best = -1;
    double bestCoverage = -1;
    int tried = 0;
    // candidates: the base length under which the highest name is each own string, the last first
    for (int start = strings.lastStartAtOrBefore(strLen - 1); start >= 0 && tried < MAX_CANDIDATES;
        start = strings.lastStartAtOrBefore(start - 1), tried++) {
      long c = maxName - start;
      if (c <= 0) {
        continue;
      }
      double coverage = coverage(refs, c, strings, starts);
      if (coverage > bestCoverage) {
        best = c;
        bestCoverage = coverage;
        if (coverage >= 1.0) {
          break;
        }
      }
    }
    if (best < 0 || bestCoverage <= 0) {
      return new BaseFingerprint(-1, typesAtLeast,
          "name offsets do not line up with the module's own strings for any base string length");
    }
    String how = bestCoverage >= 1.0
        ? "every own string is referenced at base offset + " + best
        : String.format("%.0f%% of own strings line up at base offset + %d", bestCoverage * 100, best);
    return new BaseFingerprint(best, typesAtLeast, how);
  }

  /**
   * Share of the {@code starts} own strings referenced under candidate base length {@code c}; 0
   * when any offset at or above {@code c} misses a string start (then {@code c} cannot be right).
   */
  private static double coverage(OwnReferences refs, long c, OwnStrings strings, int starts) {
    boolean[] used = new boolean[strings.length];
    int distinct = 0;
    for (int i = 0, count = refs.nameCount(); i < count; i++) {
      long off = Integer.toUnsignedLong(refs.name(i));
      if (off < c) {
        continue; // a string shared with the base
      }
      long local = off - c;
      if (local >= strings.length || !strings.isStart((int) local)) {
        return 0;
      }
      if (!used[(int) local]) {
        used[(int) local] = true;
        distinct++;
      }
    }
    return (double) distinct / starts;
  }

  /** A blob's own string section: where its strings start, read from the bytes (no table of starts). */
  private static final class OwnStrings {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

    private final byte[] data;
    private final int at;
    final int length;

    OwnStrings(byte[] data, int at, int length) {
      this.data = data;
      this.at = at;
      this.length = length;
    }

    /** Offset {@code i} starts a string: the first byte, or the byte after a NUL. */
    boolean isStart(int i) {
      return i == 0 || data[at + i - 1] == 0;
    }

    /** The last string start at or before {@code i}, or -1 below 0. */
    int lastStartAtOrBefore(int i) {
      while (i > 0 && data[at + i - 1] != 0) {
        i--;
      }
      return i;
    }

    /** How many strings start in the section: offset 0, and each offset after a NUL but the end. */
    int starts() {
      int end = at + length - 1; // a NUL in the last byte starts nothing
      int nuls = 0;
      int i = at;
      for (; i + 8 <= end; i += 8) {
        long v = (long) LONG_LE.get(data, i);
        // high bit of each byte set where the byte is zero
        nuls += Long.bitCount(~(((v & LOW7) + LOW7) | v | LOW7));
      }
      for (; i < end; i++) {
        if (data[i] == 0) {
          nuls++;
        }
      }
      return 1 + nuls;
    }
  }
}
