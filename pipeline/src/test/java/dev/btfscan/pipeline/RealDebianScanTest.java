package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole real Debian packages (fetched by fixtures/scripts/fetch-debian.sh into the cache outside
 * the repo): the 6.1.0-47, -50 and -53 cloud-amd64 builds and the 6.1.0-53 cloud-arm64 build.
 */
@Tag("integration")
class RealDebianScanTest {
  static final String R47 = "6.1.0-47-cloud-amd64";
  static final String R50 = "6.1.0-50-cloud-amd64";
  static final String R53 = "6.1.0-53-cloud-amd64";
  static final String R53_ARM64 = "6.1.0-53-cloud-arm64";

  @TempDir Path tmp;

  static String deb(String release) throws IOException {
    Path dir = Fixtures.cache().resolve("debian");
    assumeTrue(Files.isDirectory(dir), "run fixtures/scripts/fetch-debian.sh first");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("linux-image-" + release + "-unsigned_"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no package for " + release + " in " + dir)).toString();
    }
  }

  static List<JsonNode> rows(Path out, String file) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve(file), StandardCharsets.UTF_8)) {
      rows.add(Json.parse(l));
    }
    return rows;
  }

  static ScanFixtures.Result scan(List<String> inputs, Path out, String against, boolean rebase) throws IOException {
    ScanConfig c = new ScanConfig(inputs, out.toString(), against, EnumSet.noneOf(FailOn.class), 256L << 20, true,
        Normalization.DEDUP, rebase, List.of());
    return ScanFixtures.runFast(c);
  }

  static long dpkgModuleCount(String deb) throws Exception {
    Process p = new ProcessBuilder("dpkg-deb", "-c", deb).redirectErrorStream(true).start();
    long n = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(l -> l.matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?$")).count();
    assertEquals(0, p.waitFor());
    return n;
  }

  /**
   * Scans the package of {@code release} on its own: every module file dpkg-deb lists has exactly
   * one row, and every row is {@code ok} and of {@code arch}. Returns OUT.
   */
  private Path scanAloneEveryModuleOk(String release, String arch) throws Exception {
    String deb = deb(release);
    Path out = tmp.resolve(release);
    scan(List.of(deb), out, null, true);
    List<JsonNode> modules = rows(out, ScanPipeline.MODULES);
    assertEquals(dpkgModuleCount(deb), modules.size(), "every module file in dpkg-deb -c has one row");
    Map<String, Long> verdicts = new TreeMap<>();
    modules.forEach(r -> verdicts.merge(r.path("verdict").asText() + "/" + r.path("arch").asText(), 1L, Long::sum));
    assertEquals(Map.of("ok/" + arch, (long) modules.size()), verdicts);
    return out;
  }

  @Test
  void every53ModuleIsOkOnTheVmlinuxFromItsOwnVmlinuz() throws Exception {
    Path out = scanAloneEveryModuleOk(R53, "x86_64");
    List<JsonNode> kernels = rows(out, ScanPipeline.KERNELS);
    assertEquals(1, kernels.size());
    assertEquals("bzImage+lz4", kernels.get(0).path("format").asText());
    assertEquals(R53, kernels.get(0).path("release").asText());
    assertEquals(95057, kernels.get(0).path("types").asLong());
  }

  /**
   * Debian 13's cloud build (fetch-debian.sh --trixie: 6.12, BTF from a newer pahole than
   * bookworm's): a zstd bzImage, and every one of its modules a {@code .ko.xz}, each with its row,
   * ok on the vmlinux BTF of that image, which is the blob the independent extraction in
   * fetch-debian.sh (zstd -d, objcopy) wrote.
   */
  @Test
  void everyTrixieModuleIsOkOnTheVmlinuxFromItsZstdBzImage() throws Exception {
    String release = trixieRelease();
    Path out = scanAloneEveryModuleOk(release, "x86_64");
    assertEquals(List.of("xz"), rows(out, ScanPipeline.MODULES).stream()
        .map(r -> r.path("compression").asText()).distinct().toList(), "every module is a .ko.xz");
    List<JsonNode> kernels = rows(out, ScanPipeline.KERNELS);
    assertEquals(1, kernels.size());
    JsonNode k = kernels.get(0);
    assertEquals("bzImage+zstd", k.path("format").asText());
    assertEquals(release, k.path("release").asText());
    byte[] extracted = Files.readAllBytes(Fixtures.cache().resolve("btf/" + release + ".btf"));
    assertArrayEquals(extracted, Files.readAllBytes(out.resolve(k.path("blob").asText())));
  }

  /**
   * Debian testing's kernel (fetch-debian.sh --testing), which Debian 14 splits as Fedora does: the
   * modules in linux-modules-REL, the vmlinuz (signed, at usr/lib/modules/REL/vmlinuz) in
   * linux-binary-REL. Scanned together, every module file dpkg-deb lists in the one package has
   * its row, ok on the vmlinux BTF of the other, which is the blob fetch-debian.sh extracted.
   */
  @Test
  void everyModuleOfASplitPackageIsOkOnTheVmlinuzOfItsBinaryPackage() throws Exception {
    Path dir = Fixtures.cache().resolve("split");
    String binary = only(dir, "linux-binary-.*-cloud-amd64_.*\\.deb");
    String modulesDeb = only(dir, "linux-modules-.*-cloud-amd64_.*\\.deb");
    String release = Path.of(binary).getFileName().toString().replaceFirst("^linux-binary-(.*)_[^_]*_amd64\\.deb$", "$1");
    Path out = tmp.resolve("split");
    scan(List.of(modulesDeb, binary), out, null, true);

    List<JsonNode> modules = rows(out, ScanPipeline.MODULES);
    assertEquals(dpkgModuleCount(modulesDeb), modules.size(), "every module file in dpkg-deb -c has one row");
    Map<String, Long> verdicts = new TreeMap<>();
    modules.forEach(r -> verdicts.merge(r.path("verdict").asText() + "/" + r.path("release").asText() + "/"
        + r.path("base").path("source").asText().startsWith(Path.of(binary).getFileName().toString()), 1L, Long::sum));
    assertEquals(Map.of("ok/" + release + "/true", (long) modules.size()), verdicts, "ok, each on the binary package's vmlinuz");
    List<JsonNode> kernels = rows(out, ScanPipeline.KERNELS);
    assertEquals(1, kernels.size());
    JsonNode k = kernels.get(0);
    assertEquals("usr/lib/modules/" + release + "/vmlinuz", k.path("path").asText());
    assertArrayEquals(Files.readAllBytes(Fixtures.cache().resolve("btf/" + release + ".btf")),
        Files.readAllBytes(out.resolve(k.path("blob").asText())));
  }

  /** The one file of {@code dir} whose name matches {@code regex}; the test is skipped when there is none. */
  private static String only(Path dir, String regex) throws IOException {
    assumeTrue(Files.isDirectory(dir), "run fixtures/scripts/fetch-debian.sh --trixie --testing first");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found = s.filter(p -> p.getFileName().toString().matches(regex)).toList();
      assumeTrue(!found.isEmpty(), "no " + regex + " in " + dir + " (fetch-debian.sh --trixie --testing fetches them;"
          + " testing's index may have had none to fetch)");
      assertEquals(1, found.size(), found.toString());
      return found.get(0).toString();
    }
  }

  /** The release of the Debian 13 cloud package in the cache (its version moves with trixie's updates). */
  static String trixieRelease() throws IOException {
    String name = Path.of(only(Fixtures.cache().resolve("debian"), "linux-image-.*\\+deb13-cloud-amd64-unsigned_.*\\.deb"))
        .getFileName().toString();
    return name.substring("linux-image-".length(), name.indexOf("-unsigned_"));
  }


  /**
   * The arm64 cloud build: its vmlinuz is a raw Image (the BTF found by search, no ELF), its 992
   * modules are aarch64 ELF with split BTF. Every one has its row and is ok on that BTF, which is
   * the blob the independent search in fetch-debian.sh found.
   */
  @Test
  void everyArm64ModuleIsOkOnTheBtfFoundInItsRawImage() throws Exception {
    Path out = scanAloneEveryModuleOk(R53_ARM64, "aarch64");
    List<JsonNode> kernels = rows(out, ScanPipeline.KERNELS);
    assertEquals(1, kernels.size());
    JsonNode k = kernels.get(0);
    assertEquals("Image", k.path("format").asText());
    assertEquals("aarch64", k.path("arch").asText());
    assertEquals(R53_ARM64, k.path("release").asText());
    byte[] searched = Files.readAllBytes(Fixtures.cache().resolve("btf/" + R53_ARM64 + ".btf"));
    assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(searched)),
        k.path("sha256").asText());
  }

  @Test
  void judgingModulesWhileTheirPackageIsReadChangesNoByteOfTheOutput() throws Exception {
    List<String> inputs = List.of(deb(R47), deb(R53));
    ScanConfig c = new ScanConfig(inputs, tmp.resolve("early").toString(), null, EnumSet.noneOf(FailOn.class),
        256L << 20, true, Normalization.DEDUP, true, List.of());
    assertEquals(0, ScanFixtures.runFast(c, true).exitCode());
    ScanConfig waiting = new ScanConfig(inputs, tmp.resolve("waiting").toString(), null, EnumSet.noneOf(FailOn.class),
        256L << 20, true, Normalization.DEDUP, true, List.of());
    assertEquals(0, ScanFixtures.runFast(waiting, false).exitCode());
    List<String> files;
    try (Stream<Path> s = Files.walk(tmp.resolve("waiting"))) {
      files = s.filter(Files::isRegularFile).map(f -> tmp.resolve("waiting").relativize(f).toString()).sorted().toList();
    }
    assertTrue(files.size() > 2000, "reports and a blob per module: " + files.size());
    for (String f : files) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("waiting").resolve(f)), Files.readAllBytes(tmp.resolve("early").resolve(f)), f);
    }
  }

  @Test
  void the47PackageAgainstThe53VmlinuxIsMismatchEverywhereNamingThe47Build() throws Exception {
    Path out = tmp.resolve("47on53");
    scan(List.of(deb(R47)), out, Fixtures.cache().resolve("btf/" + R53 + ".btf").toString(), false);
    List<JsonNode> modules = rows(out, ScanPipeline.MODULES);
    assertTrue(modules.size() > 1000);
    long fingerprinted = 0;
    for (JsonNode r : modules) {
      assertEquals("mismatch", r.path("verdict").asText(), r.toString());
      if (!r.path("built_against").path("strings").isNull()) {
        assertEquals(1689866, r.path("built_against").path("strings").asLong(), r.toString());
        assertEquals(R47, r.path("built_against").path("release").asText(), "the 47 vmlinuz is in the package");
        fingerprinted++;
      }
    }
    assertTrue(fingerprinted >= modules.size() - 5, "only modules without own strings lack a fingerprint");
    assertEquals(modules.size(), rows(out, ScanPipeline.MISMATCHES).size());
  }

  @Test
  void threeBuildsTogetherAreEachAttributedAndOldModulesRelocateOntoThe53Kernel() throws Exception {
    Path out = tmp.resolve("all");
    scan(List.of(deb(R47), deb(R50), deb(R53)), out, null, true);
    for (JsonNode r : rows(out, ScanPipeline.MODULES)) {
      assertEquals("ok", r.path("verdict").asText(), r.toString());
      if (!r.path("built_against").path("release").isNull()) {
        assertEquals(r.path("release").asText(), r.path("built_against").path("release").asText(), r.toString());
      }
    }
    Path against = tmp.resolve("against53");
    scan(List.of(deb(R47), deb(R50), deb(R53)), against, R53, true);
    Map<String, Long> verdicts = new TreeMap<>();
    List<JsonNode> relocated = new ArrayList<>();
    for (JsonNode r : rows(against, ScanPipeline.MODULES)) {
      String release = r.path("release").asText();
      String v = r.path("verdict").asText();
      verdicts.merge(release + " " + v, 1L, Long::sum);
      if (release.equals(R53)) {
        assertEquals("ok", v, r.toString());
      } else {
        assertTrue(v.equals("relocated") || v.equals("mismatch"), r.toString());
        if (v.equals("relocated")) {
          relocated.add(r);
        }
      }
    }
    for (JsonNode m : rows(against, ScanPipeline.MISMATCHES)) {
      if (!m.path("built_against").path("release").isNull()) {
        assertTrue(m.path("references").path("changed").asLong() + m.path("references").path("gone").asLong() > 0, m.toString());
      }
    }
    assertTrue(relocated.size() > 1000, "most 47 and 50 modules only saw ids move: " + verdicts);
    // bpftool reads the relocated blobs on the 53 vmlinux with the names and kinds the module had.
    Path vmlinux53 = Fixtures.cache().resolve("btf/" + R53 + ".btf");
    for (JsonNode r : relocated.subList(0, 25)) {
      String release = r.path("release").asText();
      List<String> onOwn = BpftoolDump.kindsAndNames(BpftoolDump.extractModuleBtf(deb(release), r.path("path").asText(), tmp),
          Fixtures.cache().resolve("btf/" + release + ".btf"));
      List<String> relocatedDump = BpftoolDump.kindsAndNames(against.resolve(r.path("blob").asText()), vmlinux53);
      assertEquals(onOwn, relocatedDump, r.path("path").asText());
    }
  }
}
