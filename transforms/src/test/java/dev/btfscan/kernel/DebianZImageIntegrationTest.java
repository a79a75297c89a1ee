package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Debian's real armhf, s390x and mips64el kernels: an ARM zImage, an s390 image and an ELF boot
 * wrapper (MIPS's vmlinuz), whose compressed kernel no header points at, each with an xz magic
 * inside its decompressor before the real payload. Debian builds all three without BTF, so the answer must be that the kernel was found and holds no
 * BTF, at the offset and with the size the xz tool itself gives for the stream there (fetch them
 * with {@code fixtures/scripts/fetch-debian.sh --zimage}). Should Debian turn BTF on, the kernel's
 * BTF must be found instead and bpftool must read it.
 */
@Tag("integration")
class DebianZImageIntegrationTest {
  private static final Pattern NO_BTF =
      Pattern.compile("^([\\w-]+)\\+xz payload at 0x([0-9a-f]+): no valid BTF blob in 0x([0-9a-f]+) bytes ");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"armmp_*_armhf, zImage", "s390x_*_s390x, s390", "5kc-malta_*_mips64el, elf-wrapper"})
  void theKernelInsideIsFoundAndItsBtfOrItsAbsenceReported(String debGlob, String container) throws Exception {
    Path boot = extractBoot(findDeb("linux-image-*-" + debGlob + ".deb"));
    Path vmlinuz = only(boot, "vmlinuz-*");
    String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
    String config = Files.readString(boot.resolve("config-" + release));
    assertTrue(config.contains("\nCONFIG_KERNEL_XZ=y\n"), "this test reads xz-compressed kernels");
    byte[] image = Files.readAllBytes(vmlinuz);

    if (config.contains("\nCONFIG_DEBUG_INFO_BTF=y\n")) {
      KernelImage k = KernelImage.read(image);
      assertEquals(container + "+xz", k.format());
      Path btf = Files.write(dir.resolve("vmlinux.btf"), k.btf());
      assertEquals("", run("sh", "-c", "bpftool btf dump file '" + btf + "' > /dev/null"));
      return;
    }
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    Matcher m = NO_BTF.matcher(e.getMessage());
    assertTrue(m.find(), e.getMessage());
    assertEquals(container, m.group(1));
    long offset = Long.parseLong(m.group(2), 16);
    long size = Long.parseLong(m.group(3), 16);

    // the xz tool, started at that offset, decodes one stream of that size holding this kernel
    Path kernel = dir.resolve("kernel");
    run("sh", "-c", "tail -c +" + (offset + 1) + " '" + vmlinuz + "' | xz -dc --single-stream > '" + kernel + "'");
    assertEquals(size, Files.size(kernel));
    String banner = "Linux version " + release + " ";
    assertTrue(new String(Files.readAllBytes(kernel), StandardCharsets.ISO_8859_1).contains(banner), banner);
    // and a decoy came first: the search had to pass over an earlier xz magic
    byte[] xzMagic = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    assertTrue(indexOf(image, xzMagic) < offset, "no xz magic before the payload: the decoy case is not covered");
  }

  private Path extractBoot(Path deb) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    run("sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -x -C '" + root + "' ./boot");
    return root.resolve("boot");
  }

  private static Path findDeb(String glob) throws IOException {
    Path cache = Fixtures.cache().resolve("debian");
    assumeTrue(Files.isDirectory(cache), "no package cache at " + cache);
    List<Path> found = list(cache, glob);
    assumeTrue(!found.isEmpty(), glob + " not in " + cache + ": run fixtures/scripts/fetch-debian.sh --zimage");
    return found.get(0);
  }

  private static Path only(Path dir, String glob) throws IOException {
    List<Path> found = list(dir, glob);
    assertEquals(1, found.size(), glob + " in " + dir + ": " + found);
    return found.get(0);
  }

  private static List<Path> list(Path dir, String glob) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      List<Path> out = new java.util.ArrayList<>();
      s.forEach(out::add);
      out.sort(null);
      return out;
    }
  }

  private static int indexOf(byte[] data, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= data.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed:\n" + out);
    return out;
  }
}
