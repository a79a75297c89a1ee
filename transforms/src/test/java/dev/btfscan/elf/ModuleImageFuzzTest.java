package dev.btfscan.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.analysis.ModuleAnalyzer;
import dev.btfscan.analysis.ModuleBtf;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.IOException;
import java.util.List;

/**
 * Jazzer: any bytes as a stored module ({@code .ko}, {@code .ko.xz|zst|gz}) through
 * ModuleImage.fromStored and then the analyzer with no base, as AnalyzeModuleFn does. Only
 * {@link ElfFormatException} and {@link IOException} may escape fromStored; the analyzer must not
 * throw at all. Seeds: {@code src/test/resources/dev/btfscan/elf/ModuleImageFuzzTestInputs/fromStored/}.
 */
class ModuleImageFuzzTest {
  static final DecompressionLimits LIMITS = DecompressionLimits.forModule()
      .withMaxOutputBytes(16 << 20).withRatioCheckAfterBytes(1 << 20);

  @FuzzTest(maxDuration = "20s")
  void fromStored(byte[] data) {
    ModuleImage image;
    try {
      image = ModuleImage.fromStored(data, LIMITS);
    } catch (ElfFormatException | IOException e) {
      return; // documented
    }
    new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(image.btf().orElse(null), image.btfBase().orElse(null)), null);
  }
}
