package dev.btfscan.kernel;

import dev.btfscan.io.compress.Compression;

/**
 * The kernel build's names for its compressors ({@code CONFIG_KERNEL_LZ4} is "lz4" although the
 * stream is LZ4's legacy format, {@code CONFIG_KERNEL_LZO} is "lzo" although the container is
 * lzop), and the file suffixes used for whole compressed images ({@code Image.gz}).
 */
final class Compressors {
  private Compressors() {}

  /** The name the kernel's Kconfig and the EFI zboot header use: gzip, bzip2, lzma, xz, lzo, lz4, zstd. */
  static String kernelName(Compression c) {
    switch (c) {
      case NONE:
        return "none";
      case GZIP:
        return "gzip";
      case BZIP2:
        return "bzip2";
      case XZ:
        return "xz";
      case LZMA:
        return "lzma";
      case ZSTD:
        return "zstd";
      case LZ4_FRAME:
      case LZ4_LEGACY:
        return "lz4";
      case LZOP:
        return "lzo";
    }
    throw new AssertionError(c);
  }

  /** The usual file suffix: gz, bz2, xz, lzma, zst, lz4, lzo. */
  static String suffix(Compression c) {
    switch (c) {
      case NONE:
        return "";
      case GZIP:
        return "gz";
      case BZIP2:
        return "bz2";
      case XZ:
        return "xz";
      case LZMA:
        return "lzma";
      case ZSTD:
        return "zst";
      case LZ4_FRAME:
      case LZ4_LEGACY:
        return "lz4";
      case LZOP:
        return "lzo";
    }
    throw new AssertionError(c);
  }
}
