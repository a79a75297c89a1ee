package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package names are what rows, blobs and a module's own vmlinux are keyed by, so they must be
 * unique across a scan: copies of one package in two directories (two hosts' mirrors, two
 * unpacked roots) are two packages, and one file named by two inputs is one.
 */
class PackageNamesScanTest {
  private static final String DEB = "packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb";

  @TempDir Path tmp;

  @Test
  void packagesOfOneFileNameInTwoDirectoriesAreTwoPackagesNamedByTheirDirectory() throws Exception {
    Path a = copy("mirror-a"), b = copy("mirror-b");
    Path out = tmp.resolve("out");

    ScanFixtures.Result r = ScanFixtures.runFast(ScanFixtures.config(List.of(a.toString(), b.toString()), out));

    String name = a.getFileName().toString();
    Map<String, Long> rows = rowsByPackage(out);
    assertEquals(Map.of("mirror-a/" + name, 3L, "mirror-b/" + name, 3L), rows);
    assertEquals(List.of("mirror-a/" + name, "mirror-b/" + name), packageNames(out));
    JsonNode summary = Json.parse(Files.readString(out.resolve(ScanPipeline.SUMMARY)));
    assertEquals(2, summary.path("packages").asInt());
    assertEquals(2, summary.path("package_list").size());
    // each module judged on the vmlinux of its own copy, each with a blob of its own
    for (String line : ScanFixtures.lines(out, ScanPipeline.MODULES)) {
      JsonNode m = Json.parse(line);
      assertTrue(List.of("ok", "remapped").contains(m.path("verdict").asText()), line);
      String pkg = m.path("package").asText();
      assertTrue(m.path("base").path("source").asText().startsWith(pkg + ":boot/"), line);
      assertTrue(Files.isRegularFile(out.resolve(m.path("blob").asText())), line);
    }
    assertEquals(0, r.exitCode());
  }

  @Test
  void oneFileNamedByTwoInputsIsReadOnce() throws Exception {
    Path a = copy("only");
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(a.toString(), a.getParent() + "/", a.toString()), out));

    assertEquals(Map.of(a.getFileName().toString(), 3L), rowsByPackage(out));
    assertEquals(List.of(a.getFileName().toString()), packageNames(out));
  }

  private Path copy(String dir) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    return Files.copy(Fixtures.path(DEB), d.resolve(Fixtures.path(DEB).getFileName()));
  }

  private static Map<String, Long> rowsByPackage(Path out) throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.MODULES)) {
      rows.merge(Json.parse(line).path("package").asText(), 1L, Long::sum);
    }
    return rows;
  }

  private static List<String> packageNames(Path out) throws Exception {
    return ScanFixtures.lines(out, ScanPipeline.PACKAGES).stream().map(l -> Json.parse(l).path("package").asText())
        .sorted().toList();
  }
}
