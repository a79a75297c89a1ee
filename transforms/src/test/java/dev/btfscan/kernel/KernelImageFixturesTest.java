package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One image per format and compressor, made by the fixtures scripts with the kernel build's own
 * compressor commands; {@code kernels/images/EXPECTED.txt} gives the sha256 of the BTF each holds.
 */
class KernelImageFixturesTest {
  static List<Arguments> images() throws IOException {
    return Files.readAllLines(Fixtures.path("kernels/images/EXPECTED.txt")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("\t"))
        .map(f -> Arguments.of(f[0], f[1]))
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void findsTheExpectedBtfInEveryFixtureImage(String file, String sha256) throws Exception {
    byte[] bytes = Fixtures.bytes("kernels/images/" + file);
    if (sha256.equals("none")) {
      KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(bytes));
      String expected = file.startsWith("zImage") // a flat binary has no sections to be missing
          ? "no valid BTF blob in 0x" : "vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)";
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      return;
    }

    KernelImage k = KernelImage.read(bytes);

    assertEquals(sha256, sha256(k.btf()));
    assertEquals(expectedFormat(file), k.format());
    assertEquals(expectedArch(file), k.arch());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void damagedFixtureImagesFailOnlyWithTheCheckedException(String file, String sha256) {
    byte[] good = Fixtures.bytes("kernels/images/" + file);
    Random random = new Random(file.hashCode());
    // The fixtures decompress to about 10 KB; tight limits keep garbage-producing damage cheap.
    DecompressionLimits limits = DecompressionLimits.defaults().withMaxOutputBytes(1 << 20);
    for (int round = 0; round < 150; round++) {
      byte[] image = good.clone();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        image[random.nextInt(image.length)] = (byte) random.nextInt();
      }
      if (random.nextInt(5) == 0) {
        image = Arrays.copyOf(image, random.nextInt(image.length));
      }
      try {
        KernelImage.read(image, limits);
      } catch (KernelImageException expected) {
        // described damage is the contract; anything unchecked fails the test
      }
    }
  }

  private static String expectedFormat(String file) {
    if (file.startsWith("bzImage-")) {
      return "bzImage+" + file.substring("bzImage-".length()).replace("-setup0", "");
    }
    if (file.startsWith("Image-zboot-")) {
      return "zboot+" + file.substring("Image-zboot-".length()).replace(".efi", "");
    }
    if (file.startsWith("zImage-") || file.startsWith("s390-image-") || file.startsWith("embedded-")) {
      return file.replace("-image", "").replaceFirst("-", "+");
    }
    return file.equals("vmlinux") ? "elf" : file;
  }

  private static Optional<String> expectedArch(String file) {
    if (file.startsWith("zImage")) {
      return Optional.of("arm"); // said by the container: a flat binary does not tell
    }
    if (file.startsWith("s390")) {
      return Optional.of("s390x");
    }
    return Optional.of(file.startsWith("Image") ? "aarch64" : "x86_64"); // embedded-bzip2 holds the x86 ELF
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
