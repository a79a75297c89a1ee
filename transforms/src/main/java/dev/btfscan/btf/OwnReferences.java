package dev.btfscan.btf;

import java.util.Arrays;

/**
 * The type ids and non-zero string offsets a blob's own records hold, as stored: what {@link
 * BtfClassifier} and {@link BaseFingerprint} both read of a module, found in one walk over the
 * records ({@link Btf#ownReferences}, made once per blob) straight from the array, slot by slot
 * in {@link TypeRefs}' order, with no record copies.
 */
final class OwnReferences {
  /** The largest type id any own slot holds (unsigned), 0 when none. */
  final long maxTypeId;
  /** The largest string offset any own name slot holds (unsigned), 0 when none. */
  final long maxName;
  /** The non-zero name offsets, type by type in id order and each type's slots in order. */
  private final int[] names;
  private final int nameCount;

  private OwnReferences(long maxTypeId, long maxName, int[] names, int nameCount) {
    this.maxTypeId = maxTypeId;
    this.maxName = maxName;
    this.names = names;
    this.nameCount = nameCount;
  }

  int nameCount() {
    return nameCount;
  }

  /** Name offset {@code i} (below {@link #nameCount}), as stored. */
  int name(int i) {
    return names[i];
  }

  static OwnReferences of(Btf btf) {
    int[] offsets = btf.recordOffsets();
    int n = btf.typeCount();
    long maxId = 0;
    long maxName = 0;
    int[] names = new int[Math.max(16, n * 2)];
    int count = 0;
    for (int i = 0; i < n; i++) {
      int rec = offsets[i];
      int info = btf.intAt(rec + 4);
      int code = (info >>> 24) & 0x7f;
      int vlen = info & 0xffffff;
      int slots = KindCodes.slotCount(code, vlen);
      for (int j = 0; j < slots; j++) {
        maxId = Math.max(maxId, Integer.toUnsignedLong(btf.intAt(rec + 4 * KindCodes.slotWord(code, j))));
      }
      int nameSlots = KindCodes.nameSlotCount(code, vlen);
      if (names.length - count < nameSlots) {
        names = Arrays.copyOf(names, Math.max(names.length * 2, count + nameSlots));
      }
      for (int j = 0; j < nameSlots; j++) {
        int off = btf.intAt(rec + 4 * KindCodes.nameSlotWord(code, j));
        if (off != 0) {
          maxName = Math.max(maxName, Integer.toUnsignedLong(off));
          names[count++] = off;
        }
      }
    }
    return new OwnReferences(maxId, maxName, names, count);
  }
}
