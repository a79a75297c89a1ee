package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.report.Json;
import dev.btfscan.transforms.AnalyzeModuleFn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan end to end over the committed fixture packages, as `./run.sh scan` runs it. */
class ScanPipelineTest {
  @TempDir static Path tmp;
  static Path out;
  static ScanFixtures.Result result;

  @BeforeAll
  static void scanEveryFixturePackage() throws Exception {
    out = tmp.resolve("out");
    result = ScanFixtures.run(ScanFixtures.config(ScanFixtures.packages(), out), 2);
  }

  static List<JsonNode> modules() throws Exception {
    return ScanFixtures.lines(out, ScanPipeline.MODULES).stream().map(l -> (JsonNode) Json.parse(l)).toList();
  }

  @Test
  void everyModuleFileInEveryPackageHasExactlyOneRow() throws Exception {
    Map<String, Long> perPackage = new TreeMap<>();
    for (JsonNode row : modules()) {
      perPackage.merge(row.path("package").asText(), 1L, Long::sum);
    }
    for (String line : ScanFixtures.lines(out, ScanPipeline.PACKAGES)) {
      JsonNode p = Json.parse(line);
      assertEquals(p.path("modules").asLong(), perPackage.getOrDefault(p.path("package").asText(), 0L), line);
      assertEquals(0, p.path("problems").size(), line);
    }
    assertEquals(ScanFixtures.packages().size(), ScanFixtures.lines(out, ScanPipeline.PACKAGES).size());
    assertEquals(0, result.exitCode());
  }

  @Test
  void splitModulesAreOkAndTheStandaloneOneIsRemappedOnTheReleaseVmlinux() throws Exception {
    for (JsonNode row : modules()) {
      String module = row.path("module").asText();
      if (row.path("release").asText().equals("6.1.0-47-cloud-amd64")) {
        // multi-release-47-53.tar.gz: no 47 vmlinux among the inputs, but the module tells its build.
        assertEquals("no-vmlinux", row.path("verdict").asText(), row.toString());
        assertEquals(1689866, row.path("built_against").path("strings").asLong());
        continue;
      }
      String expected = module.equals("btfscan_demo") ? "remapped" : "ok";
      assertEquals(expected, row.path("verdict").asText(), row.toString());
      assertEquals("6.1.0-53-cloud-amd64", row.path("release").asText());
      assertEquals(95057, row.path("base").path("types").asLong());
      assertFalse(row.path("path").asText().startsWith("/") || row.path("path").asText().startsWith("./"));
      assertTrue(Files.isRegularFile(out.resolve(row.path("blob").asText())), row.toString());
      if (expected.equals("ok")) {
        assertEquals(1691411, row.path("built_against").path("strings").asLong());
        assertEquals("6.1.0-53-cloud-amd64", row.path("built_against").path("release").asText());
      }
    }
  }

  @Test
  void theSameModuleThroughEveryPackageFormatGivesTheSameVerdictFiguresAndBlobBytes() throws Exception {
    Map<String, String> figures = new HashMap<>();
    Map<String, byte[]> blobs = new HashMap<>();
    for (JsonNode row : modules()) {
      String module = row.path("module").asText() + "@" + row.path("release").asText();
      if (row.path("blob").isNull()) {
        continue;
      }
      String mine = row.path("verdict").asText() + " " + row.path("btf").asText() + " " + row.path("types")
          + " " + row.path("built_against") + " " + row.path("base").path("types");
      byte[] blob = Files.readAllBytes(out.resolve(row.path("blob").asText()));
      String seen = figures.putIfAbsent(module, mine);
      if (seen != null) {
        assertEquals(seen, mine, module + " in " + row.path("package").asText());
        assertArrayEquals(blobs.get(module), blob, module + " in " + row.path("package").asText());
      } else {
        blobs.put(module, blob);
      }
    }
    assertEquals(3, figures.size(), "af_key, dm_zero and btfscan_demo of 53: " + figures.keySet());
  }

  @Test
  void moduleCompressionIsDetectedByMagic() throws Exception {
    for (JsonNode row : modules()) {
      String path = row.path("path").asText();
      String expected = path.endsWith(".ko.xz") ? "xz" : path.endsWith(".ko.zst") ? "zstd" : path.endsWith(".ko.gz") ? "gzip" : "none";
      assertEquals(expected, row.path("compression").asText(), path);
    }
  }

  @Test
  void outputsAreTheSameBytesWhateverTheParallelism() throws Exception {
    Path other = tmp.resolve("serial");
    ScanFixtures.run(ScanFixtures.config(ScanFixtures.packages(), other), 1);
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path twin = other.resolve(out.relativize(f));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(twin), out.relativize(f).toString());
      }
    }
    try (Stream<Path> a = Files.walk(out); Stream<Path> b = Files.walk(other)) {
      assertEquals(a.count(), b.count());
    }
  }

  @Test
  void theRenumberedStandaloneModuleReadsInBpftoolWithTheNamesAndKindsOfItsStandaloneDump() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool not installed");
    Path o = tmp.resolve("renumber");
    String deb = Fixtures.path("packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb").toString();
    ScanConfig c = ScanFixtures.config(List.of(deb), o);
    c = new ScanConfig(c.inputs(), c.output(), null, c.failOn(), c.maxEntryBytes(), true, Normalization.RENUMBER, true, List.of());
    ScanFixtures.run(c, 2);
    JsonNode row = ScanFixtures.lines(o, ScanPipeline.MODULES).stream().map(l -> (JsonNode) Json.parse(l))
        .filter(r -> r.path("module").asText().equals("btfscan_demo")).findFirst().orElseThrow();
    assertEquals("remapped", row.path("verdict").asText());
    Path vmlinux = tmp.resolve("vmlinux53.btf");
    Files.write(vmlinux, ScanFixtures.unxz("kernels/6.1.0-53-cloud-amd64.btf.xz"));
    List<String> standalone = BpftoolDump.kindsAndNames(Fixtures.path("oot/btfscan_demo-standalone.btf"), null);
    List<String> remapped = BpftoolDump.kindsAndNames(o.resolve(row.path("blob").asText()), vmlinux);
    assertEquals(1648, standalone.size());
    assertEquals(standalone, remapped, "same names and kinds, in the same order, anonymous types still (anon)");
  }

  @Test
  void aSplitModuleOfAnotherBuildIsMismatchWithItsBuiltAgainstFigures() throws Exception {
    Path o = tmp.resolve("against");
    Path tree = tmp.resolve("tree47/lib/modules/6.1.0-47-cloud-amd64/kernel/net/key");
    Files.createDirectories(tree);
    Files.copy(Fixtures.path("modules/6.1.0-47-cloud-amd64/af_key.ko"), tree.resolve("af_key.ko"));
    Path vmlinux53 = tmp.resolve("vmlinux-6.1.0-53-cloud-amd64.btf");
    Files.write(vmlinux53, ScanFixtures.unxz("kernels/6.1.0-53-cloud-amd64.btf.xz"));
    ScanFixtures.Result r = ScanFixtures.run(ScanFixtures.config(List.of(tmp.resolve("tree47").toString()), o,
        vmlinux53.toString(), EnumSet.of(FailOn.MISMATCH)), 2);
    List<String> rows = ScanFixtures.lines(o, ScanPipeline.MODULES);
    assertEquals(1, rows.size());
    JsonNode row = Json.parse(rows.get(0));
    assertEquals("mismatch", row.path("verdict").asText(), row.toString());
    assertEquals(1689866, row.path("built_against").path("strings").asLong(), "the 47 build's vmlinux string length");
    assertEquals(1, ScanFixtures.lines(o, ScanPipeline.MISMATCHES).size());
    assertEquals(Gates.GATE_TRIPPED, r.exitCode(), "--fail-on mismatch trips after the outputs are written");
    // af_key waited for the --against kernel with its bytes in the scratch directory, gone now
    assertFalse(Files.exists(o.resolve(AnalyzeModuleFn.WAITING_SCRATCH)), "no scratch left in OUT");
  }

  /**
   * OUT is a path, not a pattern: a name with '[', '*', '?' or braces failed every scan into it
   * (DirectoryNotEmptyException), because the reports' runs were listed for deletion through a glob
   * match that found none. The runs, a vmlinux blob and a waiting module are all read back here.
   */
  @Test
  void anOutWhoseNameLooksLikeAGlobIsAPathLikeAnyOther() throws Exception {
    Path tree = tmp.resolve("glob-tree/lib/modules/6.1.0-47-cloud-amd64/kernel/net/key");
    Files.createDirectories(tree);
    Files.copy(Fixtures.path("modules/6.1.0-47-cloud-amd64/af_key.ko"), tree.resolve("af_key.ko"));
    List<String> inputs = List.of(tmp.resolve("glob-tree").toString(), Fixtures.path("kernels").toString());
    Path plain = tmp.resolve("glob-plain");
    Path globby = tmp.resolve("nightly [1] *?{a,b}");
    assertEquals(0, ScanFixtures.run(ScanFixtures.config(inputs, plain), 2).exitCode());
    assertEquals(0, ScanFixtures.run(ScanFixtures.config(inputs, globby), 2).exitCode());
    List<String> rows = ScanFixtures.lines(globby, ScanPipeline.MODULES);
    assertEquals(ScanFixtures.lines(plain, ScanPipeline.MODULES), rows);
    assertTrue(rows.get(0).contains("\"module\":\"af_key\"") && rows.get(0).contains("\"verdict\":\"ok\""), rows.get(0));
    try (var names = Files.list(globby)) {
      assertEquals(List.of(".btf-scan-output", "blobs", "kernels.jsonl", "mismatches.jsonl", "modules.jsonl", "packages.jsonl",
          "report.html", "report.md", "summary.json"), names.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  /**
   * OUT inside an input directory: the scan never reads its own output, neither the blobs and
   * scratch files it is writing nor an earlier run's OUT there (each marked {@code .btf-scan-output}),
   * so running it again gives the same rows.
   */
  @Test
  void anOutInsideAnInputDirectoryIsNeverReadAsInput() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("with-out-inside"));
    Files.copy(Fixtures.path("packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb"), input.resolve("image.deb"));
    Path tree = Files.createDirectories(input.resolve("lib/modules/6.1.0-47-cloud-amd64/kernel/net/key"));
    Files.copy(Fixtures.path("modules/6.1.0-47-cloud-amd64/af_key.ko"), tree.resolve("af_key.ko")); // waits on disk
    Path o = input.resolve("out");
    assertEquals(0, ScanFixtures.run(ScanFixtures.config(List.of(input.toString()), o), 2).exitCode());
    List<String> first = ScanFixtures.lines(o, ScanPipeline.MODULES);
    List<String> firstKernels = ScanFixtures.lines(o, ScanPipeline.KERNELS);
    assertEquals(4, first.size(), first.toString());
    assertEquals(0, ScanFixtures.run(ScanFixtures.config(List.of(input.toString()), o), 2).exitCode());
    assertEquals(first, ScanFixtures.lines(o, ScanPipeline.MODULES), "the first run's OUT was not read");
    assertEquals(firstKernels, ScanFixtures.lines(o, ScanPipeline.KERNELS));
    assertTrue(first.stream().noneMatch(l -> l.contains("out/") || l.contains(".staging-") || l.contains(".waiting")), first.toString());
  }

  @Test
  void outHoldsOnlyTheReportsAndTheBlobs() throws Exception {
    try (var names = Files.list(out)) {
      assertEquals(List.of(".btf-scan-output", "blobs", "kernels.jsonl", "mismatches.jsonl", "modules.jsonl", "packages.jsonl",
          "report.html", "report.md", "summary.json"), names.map(p -> p.getFileName().toString()).sorted().toList(),
          "the marker, no runs of the reports, no waiting modules' scratch");
    }
  }

  /**
   * {@code --max-decompressed-bytes}: a compressed module or kernel image that decompresses beyond
   * the cap the scan was given is its row's decompression bomb; plain files are judged as ever.
   */
  @Test
  void aCompressedModuleOrKernelBeyondTheGivenDecompressedCapIsReportedAsABomb() throws Exception {
    Path capped = tmp.resolve("capped");
    List<String> inputs = new java.util.ArrayList<>(ScanFixtures.packages());
    inputs.add(Fixtures.path("kernels/images/Image.gz").toString()); // 962 bytes of 3,775
    ScanConfig d = ScanFixtures.config(inputs, capped);
    ScanConfig c = new ScanConfig(d.inputs(), d.output(), null, d.failOn(), d.maxEntryBytes(), true,
        d.normalization(), d.rebase(), List.of(), null, new DecompressionCaps(2048));

    assertEquals(0, ScanFixtures.run(c, 2).exitCode());

    Map<String, String> verdicts = new HashMap<>();
    for (JsonNode row : modules()) {
      verdicts.put(row.path("package").asText() + ":" + row.path("path").asText(), row.path("verdict").asText());
    }
    int compressed = 0;
    for (String line : ScanFixtures.lines(capped, ScanPipeline.MODULES)) {
      JsonNode row = Json.parse(line);
      String key = row.path("package").asText() + ":" + row.path("path").asText();
      if (row.path("path").asText().matches(".*\\.ko\\.(xz|zst|gz)")) {
        compressed++;
        assertEquals("invalid", row.path("verdict").asText(), line);
        assertTrue(row.path("problems").toString().contains("expands beyond 2 KiB limit"), line);
      } else {
        assertEquals(verdicts.get(key), row.path("verdict").asText(), line);
      }
    }
    assertTrue(compressed >= 10, "the fixtures' compressed modules: " + compressed);
    String image = ScanFixtures.lines(capped, ScanPipeline.KERNELS).stream()
        .filter(l -> l.contains("Image.gz")).findFirst().orElseThrow();
    assertTrue(image.contains("expands beyond 2 KiB limit"), image);
  }
}
