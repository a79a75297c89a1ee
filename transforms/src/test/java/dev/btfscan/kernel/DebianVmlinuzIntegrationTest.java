package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Debian 12 cloud kernel (bzImage, LZ4 legacy payload): the BTF taken by
 * {@link KernelImage} must equal, byte for byte, what dd + lz4 -d + objcopy take from the same file.
 * Needs the package in the cache: {@code cd ~/.cache/btf-scan/debian && apt-get download
 * linux-image-6.1.0-53-cloud-amd64-unsigned}.
 */
@Tag("integration")
class DebianVmlinuzIntegrationTest {
  private static final String RELEASE = "6.1.0-53-cloud-amd64";

  @TempDir Path dir;

  @Test
  void bzImageBtfEqualsObjcopyOfTheLz4DecompressedVmlinux() throws Exception {
    Path deb = findDeb();
    Path root = Files.createDirectories(dir.resolve("root"));
    run("dpkg-deb", "-x", deb.toString(), root.toString());
    Path vmlinuz = root.resolve("boot/vmlinuz-" + RELEASE);
    Path ref = Files.createDirectories(dir.resolve("ref"));
    run("sh", script().toString(), vmlinuz.toString(), ref.toString());
    byte[] expected = Files.readAllBytes(ref.resolve("vmlinux.btf"));

    long t0 = System.nanoTime();
    KernelImage k = KernelImage.read(Files.readAllBytes(vmlinuz));
    System.out.println("KernelImage.read of the Debian bzImage: " + (System.nanoTime() - t0) / 1_000_000 + " ms");

    assertEquals("bzImage+lz4", k.format());
    assertEquals(expected.length, k.btf().length);
    assertArrayEquals(expected, k.btf());
    assertEquals(Optional.of(RELEASE), k.release());
    assertEquals(Optional.of("x86_64"), k.arch());

    // The raw-Image search, over 53 MB of real kernel code and data with its chance magic hits,
    // must land exactly on the .BTF section objcopy took.
    byte[] vmlinux = Files.readAllBytes(ref.resolve("vmlinux"));
    long t1 = System.nanoTime();
    BtfLocator.Located at = BtfLocator.largest(vmlinux).orElseThrow();
    long ms = (System.nanoTime() - t1) / 1_000_000;
    System.out.println("BtfLocator over the 53 MB vmlinux: " + ms + " ms");
    assertArrayEquals(expected, Arrays.copyOfRange(vmlinux, at.offset(), at.offset() + at.length()));
    assertTrue(ms < 5_000, "search took " + ms + " ms");
  }

  /**
   * The real kernel in a Unified Kernel Image made with Debian's real systemd-stub, the way
   * systemd documents it (objcopy; fetch-debian.sh downloads systemd-boot-efi): the UKI gives the
   * very BTF, release and arch of the bzImage in its {@code .linux} section.
   */
  @Test
  void aUkiOfTheRealKernelGivesTheKernelsOwnBtf() throws Exception {
    Path deb = findDeb();
    Path stubDeb = only(Fixtures.cache().resolve("efi"), "systemd-boot-efi_*_amd64.deb");
    Path root = Files.createDirectories(dir.resolve("root"));
    run("dpkg-deb", "-x", deb.toString(), root.toString());
    run("dpkg-deb", "-x", stubDeb.toString(), root.toString());
    Path vmlinuz = root.resolve("boot/vmlinuz-" + RELEASE);
    Path uname = Files.writeString(dir.resolve("uname"), RELEASE);
    Path uki = dir.resolve("vmlinuz-virt.efi");
    run("objcopy", "--add-section", ".uname=" + uname, "--change-section-vma", ".uname=0x40000",
        "--add-section", ".linux=" + vmlinuz, "--change-section-vma", ".linux=0x2000000",
        root.resolve("usr/lib/systemd/boot/efi/linuxx64.efi.stub").toString(), uki.toString());

    KernelImage k = KernelImage.read(Files.readAllBytes(uki));

    KernelImage kernel = KernelImage.read(Files.readAllBytes(vmlinuz));
    assertEquals("uki+bzImage+lz4", k.format());
    assertArrayEquals(kernel.btf(), k.btf());
    assertEquals(Optional.of(RELEASE), k.release());
    assertEquals(Optional.of("x86_64"), k.arch());
  }

  private static Path only(Path cache, String glob) throws IOException {
    assumeTrue(Files.isDirectory(cache), "no package cache at " + cache);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(cache, glob)) {
      for (Path p : s) {
        return p;
      }
    }
    assumeTrue(false, glob + " not in " + cache + ": run fixtures/scripts/fetch-debian.sh");
    throw new AssertionError("unreachable");
  }

  /**
   * The real Debian 12 arm64 cloud kernel: a raw {@code Image} (no ELF, no section table), whose
   * BTF is found by search. It must be exactly the blob fixtures/scripts/find-raw-btf.py found
   * (fetch-debian.sh --arm64 writes it to the cache, after bpftool has read it), and bpftool must
   * read it as the same 97,913 types.
   */
  @Test
  void arm64ImageBtfEqualsTheBlobTheIndependentSearchFound() throws Exception {
    Path deb = findDeb(ARM64_RELEASE);
    Path expectedFile = Fixtures.cache().resolve("btf/" + ARM64_RELEASE + ".btf");
    assumeTrue(Files.isRegularFile(expectedFile), "run fixtures/scripts/fetch-debian.sh --arm64 first");
    Path root = Files.createDirectories(dir.resolve("root"));
    run("dpkg-deb", "-x", deb.toString(), root.toString());
    byte[] vmlinuz = Files.readAllBytes(root.resolve("boot/vmlinuz-" + ARM64_RELEASE));

    KernelImage k = KernelImage.read(vmlinuz);

    assertEquals("Image", k.format());
    assertArrayEquals(Files.readAllBytes(expectedFile), k.btf());
    assertEquals(Optional.of(ARM64_RELEASE), k.release());
    assertEquals(Optional.of("aarch64"), k.arch());
    Path ours = dir.resolve("ours.btf");
    Files.write(ours, k.btf());
    Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", ours.toString()).redirectErrorStream(true).start();
    long types = new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith("[")).count();
    assertEquals(0, p.waitFor());
    assertEquals(97913, types);
  }

  private static final String ARM64_RELEASE = "6.1.0-53-cloud-arm64";

  private static Path findDeb() throws IOException {
    return findDeb(RELEASE);
  }

  private static Path findDeb(String release) throws IOException {
    Path cache = Fixtures.cache().resolve("debian");
    assumeTrue(Files.isDirectory(cache), "no package cache at " + cache);
    try (DirectoryStream<Path> s =
        Files.newDirectoryStream(cache, "linux-image-" + release + "-unsigned*.deb")) {
      for (Path p : s) {
        return p;
      }
    }
    assumeTrue(false, "linux-image-" + release + "-unsigned not in " + cache);
    throw new AssertionError("unreachable");
  }

  private static Path script() throws URISyntaxException {
    return Paths.get(DebianVmlinuzIntegrationTest.class.getResource("/kernel/extract-bzimage-btf.sh").toURI());
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed:\n" + out);
  }
}
