package dev.btfscan.kernel;

import java.util.Arrays;
import java.util.Optional;

/**
 * Recognises the 64-byte header of a raw (uncompressed, no ELF) kernel {@code Image}: arm64
 * (Documentation/arch/arm64/booting.rst: magic "ARM\x64" at 0x38, flags bit 0 set for a big-endian
 * kernel) and riscv (Documentation/arch/riscv/boot-image-header.rst: "RSC\x05" at 0x38).
 */
final class RawImageHeader {
  private static final int MAGIC_OFFSET = 0x38;
  private static final byte[] ARM64 = {'A', 'R', 'M', 0x64};
  private static final byte[] RISCV = {'R', 'S', 'C', 0x05};
  private static final int ARM64_FLAGS = 0x18;

  private RawImageHeader() {}

  /** The {@code uname -m} arch of a raw Image, or empty when {@code file} has no Image header. */
  static Optional<String> arch(byte[] file) {
    if (file.length < 0x40) {
      return Optional.empty();
    }
    if (Arrays.equals(file, MAGIC_OFFSET, MAGIC_OFFSET + 4, ARM64, 0, 4)) {
      return Optional.of((file[ARM64_FLAGS] & 1) != 0 ? "aarch64_be" : "aarch64");
    }
    if (Arrays.equals(file, MAGIC_OFFSET, MAGIC_OFFSET + 4, RISCV, 0, 4)) {
      return Optional.of("riscv64");
    }
    return Optional.empty();
  }
}
