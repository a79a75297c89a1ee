package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.pkg.KernelFiles;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounting against the distro tools: for every fixture package (and the hostile ones that are
 * whole archives), the number of module files {@code rpm -qlp}, {@code dpkg-deb -c} or
 * {@code tar -t} lists equals the package's rows in modules.jsonl and its summary count.
 */
class IndependentListingTest {
  @TempDir static Path tmp;
  static Path out;

  static List<String> packages() throws IOException {
    List<String> p = new ArrayList<>(ScanFixtures.packages());
    p.add(Fixtures.path("hostile/unsafe-names.tar.gz").toString());
    p.add(Fixtures.path("hostile/hostile-modules.tar.xz").toString());
    return p;
  }

  @BeforeAll
  static void scan() throws Exception {
    out = tmp.resolve("out");
    assertEquals(0, ScanFixtures.run(ScanFixtures.config(packages(), out), 2).exitCode());
  }

  /** The package's member names as the distro tool lists them. */
  static List<String> listing(Path pkg) throws Exception {
    String name = pkg.getFileName().toString();
    List<String> cmd = name.endsWith(".rpm") ? List.of("rpm", "-qlp", "--nosignature", pkg.toString())
        : name.endsWith(".deb") ? List.of("dpkg-deb", "--fsys-tarfile", pkg.toString())
        : List.of("tar", "-tf", pkg.toString());
    if (name.endsWith(".deb")) {
      // dpkg-deb -c prints ls -l style lines (with "-> target" for links); tar -t on the same
      // data.tar gives one bare name per member
      cmd = List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -tf -", "sh", pkg.toString());
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed");
    }
    return text.lines().toList();
  }

  /** Module names by the same suffix rule the scan uses, on the tool's own spelling of the name. */
  static long modules(List<String> names) {
    return names.stream().filter(n -> !n.endsWith("/")).filter(KernelFiles::isModule).count();
  }

  @Test
  void moduleCountsMatchRpmDpkgAndTarListings() throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.MODULES)) {
      rows.merge(Json.parse(line).path("package").asText(), 1L, Long::sum);
    }
    Map<String, Long> counted = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.PACKAGES)) {
      JsonNode p = Json.parse(line);
      counted.put(p.path("package").asText(), p.path("modules").asLong());
    }
    Map<String, Long> want = new TreeMap<>();
    Map<String, Long> gotRows = new TreeMap<>();
    Map<String, Long> gotCounts = new TreeMap<>();
    for (String s : packages()) {
      Path pkg = Path.of(s);
      String name = pkg.getFileName().toString();
      want.put(name, modules(listing(pkg)));
      gotRows.put(name, rows.getOrDefault(name, 0L));
      gotCounts.put(name, counted.getOrDefault(name, -1L));
    }
    assertEquals(want, gotRows, "modules.jsonl rows per package");
    assertEquals(want, gotCounts, "packages.jsonl module counts");
  }
}
