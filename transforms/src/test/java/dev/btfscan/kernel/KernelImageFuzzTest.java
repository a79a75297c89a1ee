package dev.btfscan.kernel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.io.compress.DecompressionLimits;

/**
 * Jazzer: any bytes as a kernel image (bzImage, Image[.gz], EFI zboot, vmlinux ELF, raw BTF).
 * Only {@link KernelImageException} may escape. Seeds:
 * {@code src/test/resources/dev/btfscan/kernel/KernelImageFuzzTestInputs/read/}.
 */
class KernelImageFuzzTest {
  static final DecompressionLimits LIMITS = DecompressionLimits.defaults()
      .withMaxOutputBytes(32 << 20).withRatioCheckAfterBytes(1 << 20);

  @FuzzTest(maxDuration = "20s")
  void read(byte[] data) {
    try {
      KernelImage.read(data, LIMITS);
    } catch (KernelImageException e) {
      // documented
    }
  }
}
