package dev.btfscan.btf;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Indexes BTF bytes: checks the header, reads the kind-layout section if any, and walks the type
 * section once, recording where each type starts. It rejects only what makes the blob impossible
 * to index (a record that does not fit, a kind it cannot size); everything else is the
 * {@link BtfValidator}'s to report, so a damaged module still gets a precise diagnosis.
 */
public final class BtfParser {
  /** Type ids are signed 32-bit in the kernel and libbpf (BTF_MAX_NR_TYPES). */
  private static final long MAX_TYPE_ID = 0x7fffffffL;

  /** Per kind code (0-127): known here, and its record's fixed size and element size. */
  private static final boolean[] KNOWN = new boolean[128];
  private static final int[] FIXED_SIZE = new int[128];
  private static final int[] ELEM_SIZE = new int[128];

  static {
    for (BtfKind k : BtfKind.values()) {
      KNOWN[k.code()] = true;
      FIXED_SIZE[k.code()] = BtfKind.COMMON_SIZE + k.infoSize();
      ELEM_SIZE[k.code()] = k.memberSize();
    }
  }

  private BtfParser() {}

  /** Standalone or base BTF filling {@code data}. */
  public static Btf parse(byte[] data) throws BtfFormatException {
    return parse(data, 0, data.length, null);
  }

  /** BTF filling {@code data}, split on {@code base} when it is not {@code null}. */
  public static Btf parse(byte[] data, Btf base) throws BtfFormatException {
    return parse(data, 0, data.length, base);
  }

  /**
   * BTF at {@code offset} in {@code data}, within {@code length} bytes, split on {@code base} when
   * it is not {@code null}. The array is kept, not copied: callers must not change it.
   */
  public static Btf parse(byte[] data, int offset, int length, Btf base) throws BtfFormatException {
    BtfHeader h = BtfHeader.parse(data, offset, length);
    if (base != null && base.order() != h.order()) {
      throw new BtfFormatException(
          "split BTF is " + h.order() + " but its base is " + base.order());
    }
    KindLayout layout = h.hasLayoutFields() && h.layoutLen() > 0 ? readLayout(data, h) : null;
    ByteBuffer b = ByteBuffer.wrap(data).order(h.order());
    int start = offset + h.hdrLen() + h.typeOff();
    int end = start + h.typeLen();
    int firstId = base == null ? 1 : base.endId();
    // A record is at least 12 bytes, so this bounds the index by the bytes actually present.
    int[] offsets = new int[Math.max(16, Math.min(h.typeLen() / BtfKind.COMMON_SIZE, 1 << 16))];
    int count = 0;
    int pos = start;
    while (pos < end) {
      long id = (long) firstId + count;
      if (id > MAX_TYPE_ID) {
        throw new BtfFormatException("too many types: id " + id + " exceeds " + MAX_TYPE_ID);
      }
      int left = end - pos;
      int rel = pos - start;
      if (left < BtfKind.COMMON_SIZE) {
        throw new BtfFormatException(
            "type [" + id + "] at type offset " + rel + ": truncated record, " + left
                + " bytes left of the 12 a btf_type needs");
      }
      int info = b.getInt(pos + 4);
      int kindCode = (info >>> 24) & 0x7f;
      int vlen = info & 0xffffff;
      long size = recordSize(kindCode, vlen, layout, id, rel);
      if (size > left) {
        BtfKind kind = BtfKind.of(kindCode);
        throw new BtfFormatException(
            "type [" + id + "] " + (kind == null ? "kind " + kindCode : kind.label())
                + " at type offset " + rel + ": vlen " + vlen + " needs " + size
                + " bytes, only " + left + " left in the type section");
      }
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      offsets[count++] = pos;
      pos += (int) size;
    }
    return new Btf(data, h, layout, offsets, count, base, length);
  }

  /** Bytes of a record: 12 common bytes, the kind data, and vlen elements. */
  static long recordSize(int kindCode, int vlen, KindLayout layout, long id, int rel)
      throws BtfFormatException {
    if (KNOWN[kindCode]) {
      return FIXED_SIZE[kindCode] + (long) vlen * ELEM_SIZE[kindCode];
    }
    if (layout != null && layout.describes(kindCode)) {
      return BtfKind.COMMON_SIZE + layout.infoSize(kindCode) + (long) vlen * layout.elemSize(kindCode);
    }
    throw new BtfFormatException(
        "type [" + id + "] at type offset " + rel + ": unknown kind " + kindCode
            + (layout == null ? " and no kind-layout section to size it"
                : " beyond the " + layout.kinds() + " kinds the kind-layout section describes"));
  }

  private static KindLayout readLayout(byte[] data, BtfHeader h) throws BtfFormatException {
    ByteBuffer b = ByteBuffer.wrap(data).order(h.order());
    int start = h.offset() + h.hdrLen() + h.layoutOff();
    int n = h.layoutLen() / KindLayout.ENTRY_SIZE;
    int[] info = new int[n];
    int[] elem = new int[n];
    int[] flags = new int[n];
    for (int i = 0; i < n; i++) {
      int p = start + i * KindLayout.ENTRY_SIZE;
      info[i] = data[p] & 0xff;
      elem[i] = data[p + 1] & 0xff;
      flags[i] = b.getShort(p + 2) & 0xffff;
      if (info[i] % 4 != 0 || elem[i] % 4 != 0) {
        throw new BtfFormatException(
            "kind-layout entry for kind " + i + " has sizes " + info[i] + "/" + elem[i]
                + " that are not multiples of 4");
      }
    }
    return new KindLayout(info, elem, flags);
  }
}
