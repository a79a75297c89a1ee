package dev.btfscan.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The BTF header, checked as the kernel's {@code btf_parse_hdr} checks it.
 *
 * <p>Two layouts exist: the classic 24-byte header (types and strings) and the 32-byte header that
 * adds a kind-layout section ({@code layout_off}, {@code layout_len}). Any further header bytes are
 * accepted only when zero, as the kernel does for headers from newer tools. The byte order is the
 * one in which the magic reads {@code 0xEB9F}; a big-endian blob is as valid as a little-endian one.
 *
 * @param offset where the blob starts in the array it was read from
 * @param layoutOff 0 when the header has no layout fields
 */
public record BtfHeader(
    int offset,
    ByteOrder order,
    int version,
    int flags,
    int hdrLen,
    int typeOff,
    int typeLen,
    int strOff,
    int strLen,
    int layoutOff,
    int layoutLen) {

  public static final int MAGIC = 0xEB9F;
  public static final int VERSION = 1;
  /** The classic header: magic, version, flags, hdr_len, type_off/len, str_off/len. */
  public static final int BASE_SIZE = 24;
  /** The header with the kind-layout section's offset and length. */
  public static final int LAYOUT_SIZE = 32;

  /** Whether this header carries the kind-layout fields. */
  public boolean hasLayoutFields() {
    return hdrLen >= LAYOUT_SIZE;
  }

  /** Bytes from the blob start to the end of the furthest section: the blob's own length. */
  public long blobSize() {
    long end = Math.max((long) typeOff + typeLen, (long) strOff + strLen);
    if (hasLayoutFields()) {
      end = Math.max(end, (long) layoutOff + layoutLen);
    }
    return hdrLen + end;
  }

  /**
   * Reads and checks the header at {@code offset}; {@code available} bytes from there belong to
   * the blob (the section size, or what is left of a file when searching an image).
   */
  public static BtfHeader parse(byte[] data, int offset, int available) throws BtfFormatException {
    if (offset < 0 || available < 0 || (long) offset + available > data.length) {
      throw new IllegalArgumentException("region outside the array");
    }
    if (available < BASE_SIZE) {
      throw new BtfFormatException(
          "truncated header: need " + BASE_SIZE + " bytes, have " + available);
    }
    ByteBuffer b = ByteBuffer.wrap(data, offset, available).slice();
    ByteOrder order = detectOrder(b);
    b.order(order);
    int version = b.get(2) & 0xff;
    int flags = b.get(3) & 0xff;
    long hdrLen = Integer.toUnsignedLong(b.getInt(4));
    if (version != VERSION) {
      throw new BtfFormatException("unsupported version " + version + " at header offset 2");
    }
    if (flags != 0) {
      throw new BtfFormatException("unsupported flags 0x" + Integer.toHexString(flags) + " at header offset 3");
    }
    if (hdrLen < BASE_SIZE) {
      throw new BtfFormatException("header length " + hdrLen + " below " + BASE_SIZE);
    }
    if (hdrLen > available) {
      throw new BtfFormatException(
          "truncated header: hdr_len " + hdrLen + " exceeds the " + available + " bytes available");
    }
    if (hdrLen % 4 != 0) {
      throw new BtfFormatException("header length " + hdrLen + " is not a multiple of 4");
    }
    int known = hdrLen >= LAYOUT_SIZE ? LAYOUT_SIZE : BASE_SIZE;
    for (int i = known; i < hdrLen; i++) {
      if (b.get(i) != 0) {
        throw new BtfFormatException(
            "unsupported header: non-zero byte 0x" + Integer.toHexString(b.get(i) & 0xff)
                + " at header offset " + i + " beyond the " + known + " bytes this reader knows");
      }
    }
    long typeOff = Integer.toUnsignedLong(b.getInt(8));
    long typeLen = Integer.toUnsignedLong(b.getInt(12));
    long strOff = Integer.toUnsignedLong(b.getInt(16));
    long strLen = Integer.toUnsignedLong(b.getInt(20));
    long layoutOff = known == LAYOUT_SIZE ? Integer.toUnsignedLong(b.getInt(24)) : 0;
    long layoutLen = known == LAYOUT_SIZE ? Integer.toUnsignedLong(b.getInt(28)) : 0;
    long room = available - hdrLen;
    checkSection("type", typeOff, typeLen, room, 8);
    checkSection("string", strOff, strLen, room, 16);
    if (typeOff % 4 != 0) {
      throw new BtfFormatException("unaligned type_off " + typeOff + " (must be a multiple of 4)");
    }
    if (typeLen % 4 != 0) {
      throw new BtfFormatException("type_len " + typeLen + " is not a multiple of 4");
    }
    if (known == LAYOUT_SIZE) {
      checkSection("layout", layoutOff, layoutLen, room, 24);
      if (layoutOff % 4 != 0 || layoutLen % 4 != 0) {
        throw new BtfFormatException(
            "unaligned kind-layout section: layout_off " + layoutOff + ", layout_len " + layoutLen);
      }
      if (layoutLen > 0 && overlaps(layoutOff, layoutLen, typeOff, typeLen)) {
        throw new BtfFormatException("kind-layout section overlaps the type section");
      }
      if (layoutLen > 0 && overlaps(layoutOff, layoutLen, strOff, strLen)) {
        throw new BtfFormatException("kind-layout section overlaps the string section");
      }
    }
    if (overlaps(typeOff, typeLen, strOff, strLen)) {
      throw new BtfFormatException(
          "type section [" + typeOff + ", " + (typeOff + typeLen) + ") overlaps string section ["
              + strOff + ", " + (strOff + strLen) + ")");
    }
    return new BtfHeader(
        offset, order, version, flags, (int) hdrLen, (int) typeOff, (int) typeLen, (int) strOff,
        (int) strLen, (int) layoutOff, (int) layoutLen);
  }

  /** Whether the bytes at {@code offset} start with the BTF magic in either byte order. */
  public static boolean hasMagic(byte[] data, int offset) {
    if (offset < 0 || offset + 2 > data.length) {
      return false;
    }
    int le = (data[offset] & 0xff) | (data[offset + 1] & 0xff) << 8;
    return le == MAGIC || le == Integer.reverseBytes(MAGIC) >>> 16;
  }

  private static ByteOrder detectOrder(ByteBuffer b) throws BtfFormatException {
    int le = (b.get(0) & 0xff) | (b.get(1) & 0xff) << 8;
    if (le == MAGIC) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if (le == (Integer.reverseBytes(MAGIC) >>> 16)) {
      return ByteOrder.BIG_ENDIAN;
    }
    throw new BtfFormatException(String.format("bad magic 0x%04x at header offset 0 (want 0xeb9f)", le));
  }

  private static void checkSection(String name, long off, long len, long room, int field)
      throws BtfFormatException {
    if (off > room || len > room - off) {
      throw new BtfFormatException(
          name + " section [" + off + ", " + (off + len) + ") runs past the " + room
              + " bytes after the header (field at header offset " + field + ")");
    }
  }

  private static boolean overlaps(long aOff, long aLen, long bOff, long bLen) {
    return aLen > 0 && bLen > 0 && aOff < bOff + bLen && bOff < aOff + aLen;
  }
}
