package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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
      assertTrue(e.getMessage().endsWith("vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)"),
          e.getMessage());
      return;
    }

    KernelImage k = KernelImage.read(bytes);

    assertEquals(sha256, sha256(k.btf()));
    assertEquals(expectedFormat(file), k.format());
    assertEquals(expectedArch(file), k.arch());
  }

  private static String expectedFormat(String file) {
    if (file.startsWith("bzImage-")) {
      return "bzImage+" + file.substring("bzImage-".length()).replace("-setup0", "");
    }
    if (file.startsWith("Image-zboot-")) {
      return "zboot+" + file.substring("Image-zboot-".length()).replace(".efi", "");
    }
    return file.equals("vmlinux") ? "elf" : file;
  }

  private static Optional<String> expectedArch(String file) {
    return Optional.of(file.startsWith("Image") ? "aarch64" : "x86_64");
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
