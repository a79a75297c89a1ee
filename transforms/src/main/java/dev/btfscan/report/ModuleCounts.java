package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The module rows' verdicts counted in one pass: in all, per package and per release. One pass,
 * because the rows of a large scan are read from their file again for each ({@link StreamedRows}).
 *
 * @param total the number of rows
 * @param verdicts count per verdict
 * @param byPackage per package (sorted), count per verdict
 * @param byRelease per release (sorted, "" for none), count per verdict
 */
record ModuleCounts(long total, Map<String, Long> verdicts, Map<String, Map<String, Long>> byPackage,
    Map<String, Map<String, Long>> byRelease) {

  static ModuleCounts of(Iterable<? extends JsonNode> modules) {
    long total = 0;
    Map<String, Long> verdicts = new TreeMap<>();
    Map<String, Map<String, Long>> byPackage = new TreeMap<>();
    Map<String, Map<String, Long>> byRelease = new TreeMap<>();
    for (JsonNode r : modules) {
      total++;
      String verdict = r.path("verdict").asText();
      verdicts.merge(verdict, 1L, Long::sum);
      byPackage.computeIfAbsent(r.path("package").asText(""), k -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
      byRelease.computeIfAbsent(r.path("release").asText(""), k -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
    }
    return new ModuleCounts(total, verdicts, byPackage, byRelease);
  }
}
