package dev.btfscan.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfDumper;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.pkg.KernelFiles;
import dev.btfscan.io.pkg.PackageReader;
import dev.btfscan.kernel.KernelImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every module of the real Debian linux-image-6.1.0-53-cloud-{amd64,arm64}-unsigned packages and of
 * Debian 13's newest cloud-amd64 one (6.12, every module a {@code .ko.xz}, which bpftool is given
 * as xz -d writes it): our dump equals bpftool's, line for line, against the vmlinux BTF we extract
 * from the package's own vmlinuz (amd64: an LZ4 bzImage, checked byte for byte against lz4 -d +
 * objcopy by DebianVmlinuzIntegrationTest; arm64: a raw Image, checked against
 * fixtures/scripts/find-raw-btf.py there too; Debian 13: a zstd bzImage, checked against
 * fetch-debian.sh's extraction by RealDebianScanTest). Debian testing's modules, in a package of
 * their own, against the vmlinuz of the other (7.2 at this writing).
 */
@Tag("integration")
class WholePackageDumpTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{1}")
  @CsvSource({
      "debian, linux-image-6\\.1\\.0-53-cloud-amd64-unsigned_.*, linux-image-6\\.1\\.0-53-cloud-amd64-unsigned_.*",
      "debian, linux-image-6\\.1\\.0-53-cloud-arm64-unsigned_.*, linux-image-6\\.1\\.0-53-cloud-arm64-unsigned_.*",
      "debian, linux-image-.*\\+deb13-cloud-amd64-unsigned_.*, linux-image-.*\\+deb13-cloud-amd64-unsigned_.*",
      // Debian testing: the modules in one package, the vmlinuz in another (fetch-debian.sh --testing)
      "split, linux-modules-.*-cloud-amd64_.*, linux-binary-.*-cloud-amd64_.*"})
  void everyModuleDumpsExactlyAsBpftoolDoes(String cacheDir, String modulesPackage, String imagePackage) throws Exception {
    Path dir = Fixtures.cache().resolve(cacheDir);
    List<String[]> modules = new ArrayList<>(); // path, module file on disk (as stored)
    Path modulesDeb = cached(dir, modulesPackage);
    try (InputStream in = Files.newInputStream(modulesDeb)) {
      PackageReader.read(modulesDeb.getFileName().toString(), in, (entry, content) -> {
        if (KernelFiles.isModule(entry.path())) {
          Path f = tmp.resolve("m" + modules.size() + entry.path().substring(entry.path().lastIndexOf(".ko")));
          Files.write(f, content.readAllBytes());
          modules.add(new String[] {entry.path(), f.toString()});
        }
      });
    }
    byte[][] vmlinux = new byte[1][];
    Path imageDeb = cached(dir, imagePackage);
    try (InputStream in = Files.newInputStream(imageDeb)) {
      PackageReader.read(imageDeb.getFileName().toString(), in, (entry, content) -> {
        if (entry.path().startsWith("boot/vmlinuz-") || entry.path().matches("usr/lib/modules/[^/]+/vmlinuz")) {
          try {
            vmlinux[0] = KernelImage.read(content.readAllBytes()).btf();
          } catch (Exception e) {
            throw new java.io.IOException(e);
          }
        }
      });
    }
    assertTrue(modules.size() > 900, "a whole kernel package: " + modules.size() + " modules");
    Path base = tmp.resolve("vmlinux.btf");
    Files.write(base, vmlinux[0]);
    Btf vm = BtfParser.parse(vmlinux[0]);
    // one module per core at a time: a bpftool process each, thousands of them
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<Future<Boolean>> compared = new ArrayList<>();
      for (String[] m : modules) {
        compared.add(pool.submit(() -> dumpsAsBpftool(m[0], Path.of(m[1]), vm, base)));
      }
      long withBtf = 0;
      for (Future<Boolean> f : compared) {
        withBtf += f.get() ? 1 : 0; // a mismatch fails here, with its module's path
      }
      assertEquals(modules.size(), withBtf, "every module of the package carries BTF");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whether the module at {@code file} (package path {@code path}) has BTF; if so, asserts our dump is bpftool's. */
  private static boolean dumpsAsBpftool(String path, Path file, Btf vm, Path base) throws Exception {
    ModuleImage image = ModuleImage.fromStored(Files.readAllBytes(file));
    if (image.btf().isEmpty()) {
      return false;
    }
    String ours = BtfDumper.dump(BtfParser.parse(image.btf().get(), vm));
    Process p = new ProcessBuilder("bpftool", "btf", "dump", "-B", base.toString(), "file", asElf(file.toString()))
        .redirectErrorStream(true).start();
    String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), path);
    assertEquals(theirs, ours, path);
    return true;
  }

  /**
   * The package of {@code dir} whose name matches {@code regex}. Missing, it fails the test, but in
   * split/, which fetch-debian.sh leaves empty when Debian testing's index has no pair to fetch.
   */
  private static Path cached(Path dir, String regex) throws java.io.IOException {
    assumeTrue(Files.isDirectory(dir), "run fixtures/scripts/fetch-debian.sh --arm64 --trixie --testing first");
    try (Stream<Path> s = Files.list(dir)) {
      Path found = s.filter(p -> p.getFileName().toString().matches(regex)).findFirst().orElse(null);
      if (dir.endsWith("split")) {
        assumeTrue(found != null, "no package " + regex + " in " + dir);
      }
      assertTrue(found != null, "no package " + regex + " in " + dir);
      return found;
    }
  }

  /** The module file as an ELF for bpftool, which reads no compressed modules: decompressed by the xz, zstd or gzip tool. */
  private static String asElf(String stored) throws Exception {
    String tool = stored.endsWith(".ko.xz") ? "xz" : stored.endsWith(".ko.zst") ? "zstd" : stored.endsWith(".ko.gz") ? "gzip" : null;
    if (tool == null) {
      return stored;
    }
    Path elf = Path.of(stored.substring(0, stored.lastIndexOf(".ko") + 3));
    Process p = new ProcessBuilder(tool, "-d", "-c", stored).redirectOutput(elf.toFile()).start();
    assertEquals(0, p.waitFor(), tool + " -d " + stored);
    return elf.toString();
  }
}
