package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html, report.md and --baseline from real scans: an earlier scan without any vmlinux, and
 * a later one with the 53 image package, the tarball renamed (.tar to .tar.gz) and --against 53.
 */
class ScanReportsTest {
  @TempDir static Path tmp;
  static Path before;
  static Path after;

  static String tar(String name) throws IOException {
    return Fixtures.path("packages/tar/" + name).toString();
  }

  @BeforeAll
  static void scanTwice() throws Exception {
    before = tmp.resolve("before");
    after = tmp.resolve("after");
    ScanFixtures.run(ScanFixtures.config(List.of(tar("multi-release-47-53.tar.gz"), tar("linux-6.1.0-53-cloud-amd64-x86.tar")),
        before), 2);
    ScanConfig later = new ScanConfig(
        List.of(tar("multi-release-47-53.tar.gz"), tar("linux-6.1.0-53-cloud-amd64-x86.tar.gz"),
            Fixtures.path("packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb").toString()),
        after.toString(), "6.1.0-53-cloud-amd64", EnumSet.noneOf(FailOn.class), 256L << 20, true,
        dev.btfscan.analysis.Normalization.DEDUP, true, List.of(), before.toString());
    assertEquals(0, ScanFixtures.run(later, 2).exitCode());
  }

  static Map<String, JsonNode> baselineByPackageAndPath() throws IOException {
    Map<String, JsonNode> m = new TreeMap<>();
    for (String l : ScanFixtures.lines(after, ScanReports.BASELINE)) {
      JsonNode r = Json.parse(l);
      m.put(r.path("package").asText() + ":" + r.path("path").asText(), r);
    }
    return m;
  }

  @Test
  void everyScanWritesAnHtmlPageWithARowPerModuleAndAMarkdownSummary() throws Exception {
    for (Path out : List.of(before, after)) {
      String html = Files.readString(out.resolve(ScanReports.HTML), StandardCharsets.UTF_8);
      int modules = ScanFixtures.lines(out, ScanPipeline.MODULES).size();
      assertEquals(modules, html.split("<tr data-verdict=", -1).length - 1, out.toString());
      assertTrue(Files.readString(out.resolve(ScanReports.MARKDOWN), StandardCharsets.UTF_8)
          .contains(modules + " modules in "), out.toString());
    }
    assertFalse(Files.exists(before.resolve(ScanReports.BASELINE)), "no --baseline, no baseline.jsonl");
  }

  @Test
  void theBaselineTellsWhatChangedModuleByModule() throws Exception {
    Map<String, JsonNode> rows = baselineByPackageAndPath();
    assertEquals(8, rows.size(), rows.keySet().toString());
    JsonNode old47 = rows.get("multi-release-47-53.tar.gz:lib/modules/6.1.0-47-cloud-amd64/kernel/net/key/af_key.ko");
    assertEquals("changed", old47.path("change").asText());
    assertEquals("no-vmlinux", old47.path("old_verdict").asText());
    assertEquals("mismatch", old47.path("verdict").asText());
    assertEquals("package+path", old47.path("matched_by").asText());
    // The renamed tarball: its modules are the same modules, found by name and release.
    JsonNode renamed = rows.get("linux-6.1.0-53-cloud-amd64-x86.tar.gz:lib/modules/6.1.0-53-cloud-amd64/kernel/net/key/af_key.ko");
    assertEquals("module+release", renamed.path("matched_by").asText());
    assertEquals("linux-6.1.0-53-cloud-amd64-x86.tar", renamed.path("old_package").asText());
    assertEquals("changed", renamed.path("change").asText());
    // The image package is new.
    JsonNode image = rows.get("btfscan-fixture-image_6.1.0-53_amd64.xz.deb:lib/modules/6.1.0-53-cloud-amd64/kernel/net/key/af_key.ko");
    assertEquals("new", image.path("change").asText());
    List<String> lines = ScanFixtures.lines(after, ScanReports.BASELINE);
    assertEquals(lines.stream().sorted((a, b) -> {
      JsonNode x = Json.parse(a);
      JsonNode y = Json.parse(b);
      int c = x.path("package").asText().compareTo(y.path("package").asText());
      return c != 0 ? c : x.path("path").asText().compareTo(y.path("path").asText());
    }).toList(), lines, "sorted by package and path");
  }

  @Test
  void theMarkdownListsTheMismatchAndTheChangesSinceTheBaseline() throws Exception {
    String md = Files.readString(after.resolve(ScanReports.MARKDOWN), StandardCharsets.UTF_8);
    assertTrue(md.contains("## Mismatched or invalid modules (1)\n\n- **mismatch** `af_key` (6.1.0-47-cloud-amd64, "
        + "multi-release-47-53.tar.gz): built against a base with 1689866 string bytes"), md);
    assertTrue(md.contains("## Since the baseline `" + before + "`\n\n3 new, 0 gone, 5 changed, 0 same.\n"), md);
    assertTrue(md.contains("| no-vmlinux -> mismatch | 1 |\n"), md);
    String html = Files.readString(after.resolve(ScanReports.HTML), StandardCharsets.UTF_8);
    assertTrue(html.contains("<section id=\"baseline\">"));
    assertTrue(html.contains("<td>no-vmlinux -&gt; mismatch</td><td class=\"n\">1</td>"));
  }

  @Test
  void theReportsAreTheSameBytesWhenTheScanIsRunAgainIntoItsOwnBaseline() throws Exception {
    Path again = tmp.resolve("again");
    ScanFixtures.run(ScanFixtures.config(List.of(tar("multi-release-47-53.tar.gz"), tar("linux-6.1.0-53-cloud-amd64-x86.tar")),
        again), 1);
    byte[] html = Files.readAllBytes(again.resolve(ScanReports.HTML));
    assertArrayEquals(Files.readAllBytes(before.resolve(ScanReports.HTML)), html, "parallelism 1 and 2 agree");
    assertArrayEquals(Files.readAllBytes(before.resolve(ScanReports.MARKDOWN)), Files.readAllBytes(again.resolve(ScanReports.MARKDOWN)));
    // OUT may be the baseline itself: it is read before OUT is replaced.
    ScanConfig self = new ScanConfig(List.of(tar("multi-release-47-53.tar.gz"), tar("linux-6.1.0-53-cloud-amd64-x86.tar")),
        again.toString(), null, EnumSet.noneOf(FailOn.class), 256L << 20, true, dev.btfscan.analysis.Normalization.DEDUP, true,
        List.of(), again.toString());
    assertEquals(0, ScanFixtures.run(self, 1).exitCode());
    List<String> lines = ScanFixtures.lines(again, ScanReports.BASELINE);
    assertEquals(5, lines.size());
    assertTrue(lines.stream().allMatch(l -> l.contains("\"change\":\"same\"") && l.contains("\"matched_by\":\"package+path\"")), lines.toString());
  }

  @Test
  void theBaselineIsComparedThroughScratchRunsThatAreGoneOnceTheReportsAre() throws Exception {
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    for (String f : List.of("modules.jsonl", "mismatches.jsonl", "kernels.jsonl", "packages.jsonl")) {
      Files.copy(after.resolve(f), staging.resolve(f));
    }
    try (ScanReports reports = ScanReports.prepare(before.toString(), scratch)) {
      try (Stream<Path> s = Files.walk(scratch)) {
        assertTrue(s.anyMatch(f -> f.toString().endsWith(".run")), "the baseline waits sorted on disk");
      }
      reports.write(staging, dev.btfscan.report.ScanRows.read(staging));
    }
    assertArrayEquals(Files.readAllBytes(after.resolve(ScanReports.BASELINE)), Files.readAllBytes(staging.resolve(ScanReports.BASELINE)));
    assertArrayEquals(Files.readAllBytes(after.resolve(ScanReports.HTML)), Files.readAllBytes(staging.resolve(ScanReports.HTML)));
    try (Stream<Path> s = Files.list(scratch)) {
      assertEquals(List.of(), s.toList(), "no scratch left");
    }
  }

  @Test
  void aBaselineThatIsNotAScanOutputFailsBeforeAnyWorkAndLeavesNothingBehind() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("wrong-baseline"));
    Path out = dir.resolve("out");
    ScanConfig c = new ScanConfig(List.of(tar("multi-release-47-53.tar.gz")), out.toString(), null,
        EnumSet.noneOf(FailOn.class), 256L << 20, true, dev.btfscan.analysis.Normalization.DEDUP, true, List.of(), dir.toString());
    IOException e = assertThrows(IOException.class, () -> ScanFixtures.run(c, 1));
    assertEquals("baseline " + dir + " is not a scan's output directory: no modules.jsonl in it", e.getMessage());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "no OUT and no staging directory");
    }
  }
}
