package dev.btfscan.io.compress;

import java.nio.ByteBuffer;

/**
 * Compression formats btf-scan can undo, recognised by their leading magic bytes only. File
 * suffixes lie (a {@code .ko.xz} may be stored uncompressed, a vmlinuz may be lz4), so callers
 * must never pick a decoder from a name.
 */
public enum Compression {
  /** No known magic: the bytes are used as they are. */
  NONE("none"),
  /** RFC 1952 gzip, {@code 1f 8b 08}; concatenated members are decoded in sequence. */
  GZIP("gzip"),
  /** bzip2, {@code "BZh"} followed by the block size digit 1..9. */
  BZIP2("bzip2"),
  /** xz container, {@code fd 37 7a 58 5a 00}. */
  XZ("xz"),
  /** Legacy {@code .lzma} ("lzma_alone"): a 13-byte header without magic, see {@link #looksLikeLzmaAlone}. */
  LZMA("lzma"),
  /** Zstandard frame, {@code 28 b5 2f fd}. */
  ZSTD("zstd"),
  /** LZ4 frame format, {@code 04 22 4d 18}. */
  LZ4_FRAME("lz4"),
  /** LZ4 legacy format written by {@code lz4 -l} and used by the kernel, {@code 02 21 4c 18}. */
  LZ4_LEGACY("lz4-legacy"),
  /** lzop container, {@code 89 4c 5a 4f 00 0d 0a 1a 0a}. */
  LZOP("lzop");

  /** The number of leading bytes {@link #detect(byte[])} needs to tell every format apart. */
  public static final int MAX_MAGIC_LENGTH = 13;

  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};
  private static final byte[] BZIP2_MAGIC = {'B', 'Z', 'h'};
  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final byte[] LZ4_FRAME_MAGIC = {0x04, 0x22, 0x4d, 0x18};
  private static final byte[] LZ4_LEGACY_MAGIC = {0x02, 0x21, 0x4c, 0x18};
  private static final byte[] LZOP_MAGIC = {(byte) 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a};

  private final String displayName;

  Compression(String displayName) {
    this.displayName = displayName;
  }

  /** Short lower-case name used in messages and reports ("xz", "lz4-legacy"). */
  public String displayName() {
    return displayName;
  }

  /** Detects the compression of a stream from its first bytes; fewer bytes than needed give NONE. */
  public static Compression detect(byte[] head) {
    return detect(ByteBuffer.wrap(head), 0);
  }

  /**
   * Detects the compression of the bytes starting at {@code offset} of {@code buf} (absolute
   * index, the buffer's position and limit are not changed; bytes up to the limit are looked at).
   */
  public static Compression detect(ByteBuffer buf, int offset) {
    if (offset < 0 || offset > buf.limit()) {
      return NONE;
    }
    if (startsWith(buf, offset, XZ_MAGIC)) {
      return XZ;
    }
    if (startsWith(buf, offset, ZSTD_MAGIC)) {
      return ZSTD;
    }
    if (startsWith(buf, offset, LZ4_FRAME_MAGIC)) {
      return LZ4_FRAME;
    }
    if (startsWith(buf, offset, LZ4_LEGACY_MAGIC)) {
      return LZ4_LEGACY;
    }
    if (startsWith(buf, offset, LZOP_MAGIC)) {
      return LZOP;
    }
    if (startsWith(buf, offset, GZIP_MAGIC)) {
      return GZIP;
    }
    if (startsWith(buf, offset, BZIP2_MAGIC) && buf.limit() > offset + 3) {
      byte level = buf.get(offset + 3);
      if (level >= '1' && level <= '9') {
        return BZIP2;
      }
    }
    if (looksLikeLzmaAlone(buf, offset)) {
      return LZMA;
    }
    return NONE;
  }

  /**
   * The legacy .lzma header has no magic: props byte, LE u32 dictionary size, LE u64 uncompressed
   * size. To keep arbitrary data (an ELF, a tar) from being mistaken for it we apply the checks
   * xz-utils' own format sniffer applies, and only accept the props byte {@code 0x5d} (lc=3 lp=0
   * pb=2) that every lzma/xz-utils preset and the kernel build write: props byte, a dictionary size
   * of 2^n or 2^n + 2^(n-1), and an uncompressed size that is unknown (all ones) or below 256 GiB.
   */
  static boolean looksLikeLzmaAlone(ByteBuffer buf, int offset) {
    if (buf.limit() - offset < MAX_MAGIC_LENGTH) {
      return false;
    }
    if ((buf.get(offset) & 0xff) != 0x5d) {
      return false;
    }
    long dict = Integer.toUnsignedLong(
        (buf.get(offset + 1) & 0xff)
            | (buf.get(offset + 2) & 0xff) << 8
            | (buf.get(offset + 3) & 0xff) << 16
            | (buf.get(offset + 4) & 0xff) << 24);
    if (dict != 0xffff_ffffL) {
      // 2^n or 2^n + 2^(n-1): clear the top bit; what remains must be zero or the next lower bit.
      long high = Long.highestOneBit(dict);
      long rest = dict - high;
      if (dict < 4096 || (rest != 0 && rest != high >>> 1)) {
        return false;
      }
    }
    long size = 0;
    for (int i = 7; i >= 0; i--) {
      size = (size << 8) | (buf.get(offset + 5 + i) & 0xff);
    }
    return size == -1L || (size >= 0 && size < (1L << 38));
  }

  private static boolean startsWith(ByteBuffer buf, int offset, byte[] magic) {
    if (buf.limit() - offset < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (buf.get(offset + i) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
