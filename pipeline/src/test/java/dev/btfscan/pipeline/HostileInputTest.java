package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input corpus ({@code fixtures/data/hostile}, made by {@code make-hostile.sh})
 * scanned together with the fixture packages (one of which brings the 6.1.0-53 vmlinux BTF), and
 * asserted row by row against {@code EXPECTED.tsv}: the run exits 0, every module entry has exactly
 * one row with a reason, damaged packages keep what was read, their format and a package-level
 * problem, and nothing is written outside OUT.
 */
class HostileInputTest {
  @TempDir static Path tmp;
  static Path out;
  static ScanFixtures.Result result;
  static Set<Path> before;

  /** One expected row of EXPECTED.tsv. */
  record Expected(String pkg, String path, String verdict, String problem) {}

  @BeforeAll
  static void scanHostileCorpusWithTheFixturePackages() throws Exception {
    Files.writeString(tmp.resolve("marker"), "a file that was here before the run");
    before = tree(tmp);
    out = tmp.resolve("deep/er/out");
    result = ScanFixtures.run(ScanFixtures.config(inputs(), out), 2);
  }

  static List<String> inputs() throws IOException {
    List<String> in = new ArrayList<>(ScanFixtures.packages());
    in.addAll(hostilePackages());
    return in;
  }

  static List<String> hostilePackages() throws IOException {
    try (Stream<Path> s = Files.list(Fixtures.path("hostile"))) {
      return s.filter(p -> !p.getFileName().toString().equals("EXPECTED.tsv")).sorted().map(Path::toString).toList();
    }
  }

  static List<Expected> expected() throws IOException {
    List<Expected> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Fixtures.path("hostile/EXPECTED.tsv"), StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(4, f.length, line);
      rows.add(new Expected(f[0], f[1], f[2], f[3]));
    }
    return rows;
  }

  static List<JsonNode> json(String file) throws IOException {
    return ScanFixtures.lines(out, file).stream().map(l -> (JsonNode) Json.parse(l)).toList();
  }

  static List<String> problems(JsonNode row) {
    List<String> p = new ArrayList<>();
    row.path("problems").forEach(x -> p.add(x.asText()));
    return p;
  }

  static boolean mentions(List<String> problems, String substring) {
    String want = substring.toLowerCase(Locale.ROOT);
    return problems.stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).contains(want));
  }

  static Set<Path> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void theRunExitsZeroWhateverTheInput() {
    assertEquals(0, result.exitCode(), result.err());
  }

  @Test
  void everyHostilePackageIsListedInTheManifest() throws Exception {
    Set<String> listed = expected().stream().map(Expected::pkg).collect(Collectors.toCollection(TreeSet::new));
    Set<String> present = hostilePackages().stream().map(p -> Path.of(p).getFileName().toString())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(present, listed);
  }

  @Test
  void everyPackageRowAndProblemIsAsExpected() throws Exception {
    Map<String, JsonNode> packages = new TreeMap<>();
    json(ScanPipeline.PACKAGES).forEach(p -> packages.put(p.path("package").asText(), p));
    JsonNode summary = Json.parse(Files.readString(out.resolve(ScanPipeline.SUMMARY)));
    Map<String, JsonNode> summarized = new TreeMap<>();
    summary.path("package_problems").forEach(p -> summarized.put(p.path("package").asText(), p));
    for (Expected e : expected()) {
      if (!e.path().equals("*")) {
        continue;
      }
      JsonNode p = packages.get(e.pkg());
      assertTrue(p != null, "no packages.jsonl row for " + e.pkg());
      // a damaged package still names the format its readable outer container showed
      assertEquals(e.verdict(), p.path("format").asText(), e.pkg() + " format");
      if (e.problem().equals("-")) {
        assertEquals(List.of(), problems(p), e.pkg());
        assertFalse(summarized.containsKey(e.pkg()), e.pkg());
      } else {
        assertTrue(mentions(problems(p), e.problem()), e.pkg() + ": want '" + e.problem() + "' in " + problems(p));
        assertTrue(summarized.containsKey(e.pkg()), e.pkg() + " missing from summary.json package_problems");
        assertTrue(mentions(problems(summarized.get(e.pkg())), e.problem()), e.pkg());
      }
    }
  }

  @Test
  void everyModuleEntryHasExactlyTheExpectedRowsWithTheirReasons() throws Exception {
    Map<String, List<JsonNode>> actual = new TreeMap<>();
    for (JsonNode row : json(ScanPipeline.MODULES)) {
      actual.computeIfAbsent(row.path("package").asText(), k -> new ArrayList<>()).add(row);
    }
    Map<String, List<Expected>> want = new LinkedHashMap<>();
    for (Expected e : expected()) {
      want.computeIfAbsent(e.pkg(), k -> new ArrayList<>());
      if (!e.path().equals("*")) {
        want.get(e.pkg()).add(e);
      }
    }
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, List<Expected>> pkg : want.entrySet()) {
      List<JsonNode> rows = new ArrayList<>(actual.getOrDefault(pkg.getKey(), List.of()));
      for (Expected e : pkg.getValue()) {
        JsonNode match = rows.stream()
            .filter(r -> r.path("path").asText().equals(e.path()) && r.path("verdict").asText().equals(e.verdict())
                && (e.problem().equals("-") || mentions(problems(r), e.problem())))
            .findFirst().orElse(null);
        if (match == null) {
          failures.add(e + "\n    rows of that path: " + rows.stream()
              .filter(r -> r.path("path").asText().equals(e.path())).map(r -> r.path("verdict") + " " + r.path("problems"))
              .toList());
        } else {
          rows.remove(match);
        }
      }
      rows.forEach(r -> failures.add("unexpected row " + r.path("package").asText() + " " + r.path("path").asText() + " "
          + r.path("verdict").asText() + " " + r.path("problems")));
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " rows differ from EXPECTED.tsv:\n  " + String.join("\n  ", failures));
    }
  }

  @Test
  void everyRowThatIsNotUsableSaysWhy() throws Exception {
    Set<String> selfExplained = Set.of("ok", "remapped", "relocated", "no-btf");
    for (JsonNode row : json(ScanPipeline.MODULES)) {
      if (!selfExplained.contains(row.path("verdict").asText())) {
        assertFalse(problems(row).isEmpty(), row.toString());
      }
    }
  }

  @Test
  void eachPackageCountsExactlyTheModuleRowsItHas() throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    json(ScanPipeline.MODULES).forEach(r -> rows.merge(r.path("package").asText(), 1L, Long::sum));
    for (JsonNode p : json(ScanPipeline.PACKAGES)) {
      assertEquals(p.path("modules").asLong(), rows.getOrDefault(p.path("package").asText(), 0L), p.toString());
    }
  }

  @Test
  void nothingIsWrittenOutsideOut() throws Exception {
    Set<Path> after = tree(tmp);
    Set<Path> created = new TreeSet<>(after);
    created.removeAll(before);
    for (Path p : created) {
      assertTrue(p.startsWith(out) || out.startsWith(p), "created outside OUT: " + p);
    }
    // the names the corpus tries to climb to, from every directory a writer could start at
    for (Path base : List.of(tmp, out, out.getParent(), Path.of("").toAbsolutePath())) {
      for (String evil : List.of("../x.ko", "abs/x.ko", "/abs/x.ko", "../../etc/x.ko", "../../tmp/btfscan-escape.ko",
          "/tmp/btfscan-escape.ko", "/etc/x.ko")) {
        Path p = base.resolve(evil).normalize();
        assertFalse(Files.exists(p) && !p.startsWith(out), "exists: " + p);
      }
    }
  }

  @Test
  void blobPathsAreSanitizedDistinctAndAllUnderOut() throws Exception {
    Set<Path> referenced = new HashSet<>();
    List<JsonNode> rows = new ArrayList<>(json(ScanPipeline.MODULES));
    rows.addAll(json(ScanPipeline.KERNELS));
    for (JsonNode row : rows) {
      if (row.path("blob").isNull() || row.path("blob").isMissingNode()) {
        continue;
      }
      String blob = row.path("blob").asText();
      assertFalse(blob.startsWith("/"), blob);
      for (String segment : blob.split("/", -1)) {
        assertFalse(segment.isEmpty() || segment.equals(".") || segment.equals(".."), blob);
      }
      Path p = out.resolve(blob).normalize();
      assertTrue(p.startsWith(out.resolve("blobs")), blob);
      assertTrue(Files.isRegularFile(p), blob);
      assertTrue(referenced.add(p), "two rows name the same blob " + blob + " (one overwrote the other)");
    }
    Set<Path> written;
    try (Stream<Path> s = Files.walk(out.resolve("blobs"))) {
      written = s.filter(Files::isRegularFile).map(Path::normalize).collect(Collectors.toSet());
    }
    assertEquals(referenced, written);
  }

  @Test
  void damagedBtfIsInvalidEvenWithoutAVmlinux() throws Exception {
    Path o = tmp.resolve("no-vmlinux");
    String pkg = "hostile-modules.tar.xz";
    ScanFixtures.Result r = ScanFixtures.run(ScanFixtures.config(List.of(Fixtures.path("hostile/" + pkg).toString()), o), 2);
    assertEquals(0, r.exitCode());
    Map<String, String> verdicts = new TreeMap<>();
    ScanFixtures.lines(o, ScanPipeline.MODULES).stream().map(Json::parse)
        .forEach(row -> verdicts.put(row.path("path").asText(), row.path("verdict").asText()));
    for (Expected e : expected()) {
      if (e.pkg().equals(pkg) && e.verdict().equals("invalid")) {
        assertEquals("invalid", verdicts.get(e.path()), e.path());
      }
    }
  }

  @Test
  void failOnInvalidTripsTheGateAfterTheReportIsWritten() throws Exception {
    Path o = tmp.resolve("gate");
    ScanFixtures.Result r = ScanFixtures.run(ScanFixtures.config(
        List.of(Fixtures.path("hostile/huge-declared.tar").toString()), o, null, EnumSet.of(FailOn.INVALID)), 1);
    assertEquals(Gates.GATE_TRIPPED, r.exitCode());
    assertEquals(2, ScanFixtures.lines(o, ScanPipeline.MODULES).size());
  }
}
