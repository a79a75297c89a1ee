package dev.btfscan.kernel;

import dev.btfscan.io.compress.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The x86 boot protocol's setup header (Documentation/arch/x86/boot.rst), read only as far as
 * finding the compressed kernel: "HdrS" at 0x202, protocol version at 0x206, setup_sects at 0x1f1
 * (0 means 4), payload_offset/payload_length at 0x248/0x24c, relative to the protected-mode code
 * that starts after the (setup_sects + 1) 512-byte sectors of real-mode setup.
 *
 * <p>The kernel build appends the decompressed size as a little-endian u32 to every payload
 * (mkpiggy reads it from there). For gzip those four bytes are the stream's own ISIZE trailer; for
 * the other compressors they are extra bytes after the stream that a decoder would reject as
 * garbage, so they are left out of {@link #streamLength()}.
 */
final class BzImage {
  static final int HDRS_OFFSET = 0x202;
  private static final byte[] HDRS = {'H', 'd', 'r', 'S'};
  private static final int SETUP_SECTS = 0x1f1;
  private static final int VERSION = 0x206;
  private static final int KERNEL_VERSION = 0x20e;
  private static final int PAYLOAD_OFFSET = 0x248;
  private static final int PAYLOAD_LENGTH = 0x24c;
  private static final int HEADER_END = 0x250;
  /** Boot protocol 2.08 introduced payload_offset/payload_length. */
  private static final int MIN_VERSION = 0x208;

  private final int payloadStart;
  private final int payloadLength;
  private final Compression compression;
  private final long decompressedSize;
  private final Optional<String> setupRelease;

  private BzImage(int payloadStart, int payloadLength, Compression compression, long decompressedSize,
      Optional<String> setupRelease) {
    this.payloadStart = payloadStart;
    this.payloadLength = payloadLength;
    this.compression = compression;
    this.decompressedSize = decompressedSize;
    this.setupRelease = setupRelease;
  }

  static boolean matches(byte[] file) {
    return file.length >= HDRS_OFFSET + 4 && Arrays.equals(file, HDRS_OFFSET, HDRS_OFFSET + 4, HDRS, 0, 4);
  }

  static BzImage parse(byte[] file) throws KernelImageException {
    if (!matches(file)) {
      throw new KernelImageException("not a bzImage: no \"HdrS\" at " + Hex.of(HDRS_OFFSET));
    }
    if (file.length < HEADER_END) {
      throw new KernelImageException("truncated bzImage setup header: file has " + Hex.of(file.length)
          + " bytes, payload fields end at " + Hex.of(HEADER_END));
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.getShort(VERSION) & 0xffff;
    if (version < MIN_VERSION) {
      throw new KernelImageException(String.format(
          "bzImage boot protocol %d.%02d predates the payload fields (2.08)", version >> 8, version & 0xff));
    }
    int setupSects = file[SETUP_SECTS] & 0xff;
    if (setupSects == 0) {
      setupSects = 4;
    }
    long base = (setupSects + 1L) * 512;
    long start = base + Integer.toUnsignedLong(b.getInt(PAYLOAD_OFFSET));
    long length = Integer.toUnsignedLong(b.getInt(PAYLOAD_LENGTH));
    if (start > file.length || length > file.length - start) {
      throw new KernelImageException("bzImage payload [off " + Hex.of(start) + ", length " + Hex.of(length)
          + "] runs past end of file (" + Hex.of(file.length) + ")");
    }
    if (length < 8) {
      throw new KernelImageException("bzImage payload of " + length + " bytes is too short to hold a kernel");
    }
    Compression c = Compression.detect(ByteBuffer.wrap(file, 0, (int) (start + length)), (int) start);
    if (c == Compression.NONE) {
      throw new KernelImageException("bzImage payload at " + Hex.of(start) + " has no known compressor magic ("
          + Hex.bytes(file, (int) start, 8) + ")");
    }
    long size = Integer.toUnsignedLong(b.getInt((int) (start + length - 4)));
    int kv = b.getShort(KERNEL_VERSION) & 0xffff;
    Optional<String> release = kv == 0 ? Optional.empty() : LinuxBanner.releaseToken(file, kv + 0x200, ' ');
    return new BzImage((int) start, (int) length, c, size, release);
  }

  int payloadStart() {
    return payloadStart;
  }

  int payloadLength() {
    return payloadLength;
  }

  /** Bytes of the compressed stream proper: the payload without a trailing size the decoder would reject. */
  int streamLength() {
    return compression == Compression.GZIP ? payloadLength : payloadLength - 4;
  }

  Compression compression() {
    return compression;
  }

  /** The decompressed size the build recorded: a hint, never trusted for bounds. */
  long decompressedSize() {
    return decompressedSize;
  }

  /** The release from the setup header's kernel_version string, if it points at one. */
  Optional<String> setupRelease() {
    return setupRelease;
  }
}
