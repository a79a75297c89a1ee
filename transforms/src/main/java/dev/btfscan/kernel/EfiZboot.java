package dev.btfscan.kernel;

import dev.btfscan.io.compress.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The EFI zboot header (drivers/firmware/efi/libstub/zboot-header.S) that wraps a compressed raw
 * kernel image in a PE/COFF EFI application (arm64, riscv, loongarch with CONFIG_EFI_ZBOOT):
 * "MZ" at 0, "zimg" at 4, payload offset and size as LE u32 at 8 and 12, the compression type as a
 * NUL-padded string at 0x18. Unlike a bzImage's payload_length, the size field excludes the
 * decompressed-size trailer the build appends to non-gzip streams ({@code __gzdata_size -
 * ZBOOT_SIZE_LEN}), so the payload is exactly the compressed stream.
 */
final class EfiZboot {
  private static final int TYPE_OFFSET = 0x18;
  private static final int TYPE_LENGTH = 32;

  private final int payloadStart;
  private final int payloadLength;
  private final Compression compression;

  private EfiZboot(int payloadStart, int payloadLength, Compression compression) {
    this.payloadStart = payloadStart;
    this.payloadLength = payloadLength;
    this.compression = compression;
  }

  static boolean matches(byte[] file) {
    return file.length >= 8 && file[0] == 'M' && file[1] == 'Z'
        && file[4] == 'z' && file[5] == 'i' && file[6] == 'm' && file[7] == 'g';
  }

  static EfiZboot parse(byte[] file) throws KernelImageException {
    if (!matches(file)) {
      throw new KernelImageException("not an EFI zboot image: no \"MZ\" at 0 and \"zimg\" at 4");
    }
    if (file.length < TYPE_OFFSET + TYPE_LENGTH) {
      throw new KernelImageException("truncated EFI zboot header: file has " + Hex.of(file.length)
          + " bytes, header ends at " + Hex.of(TYPE_OFFSET + TYPE_LENGTH));
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long start = Integer.toUnsignedLong(b.getInt(8));
    long length = Integer.toUnsignedLong(b.getInt(12));
    if (start > file.length || length > file.length - start) {
      throw new KernelImageException("EFI zboot payload [off " + Hex.of(start) + ", length " + Hex.of(length)
          + "] runs past end of file (" + Hex.of(file.length) + ")");
    }
    String type = typeString(file);
    Compression c = Compression.detect(ByteBuffer.wrap(file, 0, (int) (start + length)), (int) start);
    if (c == Compression.NONE) {
      throw new KernelImageException("EFI zboot payload at " + Hex.of(start) + " has no known compressor magic ("
          + Hex.bytes(file, (int) start, 8) + "), header says \"" + type + "\"");
    }
    // The header names the compressor, the payload's magic proves it: disagreement means damage.
    if (!Compressors.kernelName(c).equals(type)) {
      throw new KernelImageException("EFI zboot header says compression \"" + type + "\" but the payload at "
          + Hex.of(start) + " is " + Compressors.kernelName(c));
    }
    return new EfiZboot((int) start, (int) length, c);
  }

  private static String typeString(byte[] file) {
    int end = TYPE_OFFSET;
    while (end < TYPE_OFFSET + TYPE_LENGTH && file[end] != 0) {
      end++;
    }
    return new String(file, TYPE_OFFSET, end - TYPE_OFFSET, StandardCharsets.US_ASCII);
  }

  int payloadStart() {
    return payloadStart;
  }

  int payloadLength() {
    return payloadLength;
  }

  Compression compression() {
    return compression;
  }
}
