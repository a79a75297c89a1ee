package dev.btfscan.btf;

import java.util.Arrays;

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
    References refs = new References(framed);
    long maxId = refs.maxTypeId;
    int[] names = refs.names;
    int nameCount = refs.nameCount;
    long typesAtLeast = Math.max(0, maxId - n);
    int strLen = framed.stringsLength();
    if (strLen == 0 || nameCount == 0) {
      return new BaseFingerprint(-1, typesAtLeast,
          "no strings of its own: the base string length cannot be inferred; judged by validation alone");
    }
    boolean[] isStart = new boolean[strLen];
    int[] starts = stringStarts(framed, isStart);
    long maxName = 0;
    for (int i = 0; i < nameCount; i++) {
      maxName = Math.max(maxName, Integer.toUnsignedLong(names[i]));
    }
    long best = -1;
    double bestCoverage = -1;
    int tried = 0;
    for (int k = starts.length - 1; k >= 0 && tried < MAX_CANDIDATES; k--, tried++) {
      long c = maxName - starts[k];
      if (c <= 0) {
        continue;
      }
      double coverage = coverage(names, nameCount, c, isStart, starts.length);
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
   * Share of own strings referenced under candidate base length {@code c}; 0 when any offset at or
   * above {@code c} misses a string start (then {@code c} cannot be right).
   */
  private static double coverage(int[] names, int count, long c, boolean[] isStart, int starts) {
    boolean[] used = new boolean[isStart.length];
    int distinct = 0;
    for (int i = 0; i < count; i++) {
      long off = Integer.toUnsignedLong(names[i]);
      if (off < c) {
        continue; // a string shared with the base
      }
      long local = off - c;
      if (local >= isStart.length || !isStart[(int) local]) {
        return 0;
      }
      if (!used[(int) local]) {
        used[(int) local] = true;
        distinct++;
      }
    }
    return (double) distinct / starts;
  }

  private static int[] stringStarts(Btf framed, boolean[] isStart) {
    int strLen = isStart.length;
    byte[] d = framed.array();
    int at = framed.stringsStart();
    int[] starts = new int[16];
    int count = 0;
    boolean atStart = true;
    for (int i = 0; i < strLen; i++) {
      if (atStart) {
        isStart[i] = true;
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i;
      }
      atStart = d[at + i] == 0;
    }
    return Arrays.copyOf(starts, count);
  }

  /**
   * The type ids and non-zero name offsets a blob's own records hold, as stored. Read word by word
   * from the blob through {@link TypeRefs}' slot walkers (no record copies or slot arrays): this
   * runs once for every split module.
   */
  private static final class References {
    private final Btf btf;
    private int id;
    long maxTypeId;
    int[] names = new int[64];
    int nameCount;
    private final TypeRefs.SlotVisitor typeIdSlot = w -> maxTypeId = Math.max(maxTypeId, Integer.toUnsignedLong(word(w)));
    private final TypeRefs.SlotVisitor nameSlot = w -> addName(word(w));

    References(Btf btf) {
      this.btf = btf;
      for (id = btf.startId(); id < btf.endId(); id++) {
        BtfKind kind = btf.kind(id);
        int vlen = btf.vlen(id);
        TypeRefs.forEachTypeIdSlot(kind, vlen, typeIdSlot);
        TypeRefs.forEachNameSlot(kind, vlen, nameSlot);
      }
    }

    private int word(int wordIndex) {
      return btf.word(id, wordIndex);
    }

    private void addName(int off) {
      if (off == 0) {
        return;
      }
      if (nameCount == names.length) {
        names = Arrays.copyOf(names, names.length * 2);
      }
      names[nameCount++] = off;
    }
  }
}
