package dev.btfscan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline comparison sorts both scans on disk and keeps only counts and the changes the
 * reports list, and gives the lines, counts and changes that holding every row in maps gave
 * ({@link BaselineDiffReference}), whatever the duplicates, renames and orders.
 */
class BaselineDiffStreamingTest {
  @TempDir Path tmp;

  private static final String[] PACKAGES = {"k-1.deb", "k-2.deb", "k-1.deb.gz", "null", "", "a\u0001b.deb", "k-\u00e9.rpm"};
  private static final String[] PATHS = {"lib/modules/r/a/m.ko", "lib/modules/r/b/m.ko", "x.ko", "", "a\u0001.ko", "z\ud83d\ude00.ko"};
  private static final String[] MODULES = {"m", "x", "y", ""};
  private static final String[] RELEASES = {"r", "r2", ""};
  private static final String[] VERDICTS = {"ok", "mismatch", "invalid", "no-btf"};

  private static List<ObjectNode> randomScan(Random r, int n) {
    List<ObjectNode> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode o = ReportSamples.module(pick(r, PACKAGES), pick(r, PATHS), pick(r, MODULES), pick(r, RELEASES),
          pick(r, VERDICTS));
      if (r.nextInt(20) == 0) {
        o.remove("release"); // a row without a field reads it as ""
      }
      rows.add(o);
    }
    return rows;
  }

  private static String pick(Random r, String[] from) {
    return from[r.nextInt(from.length)];
  }

  private static void assertSameAsReference(List<ObjectNode> old, List<ObjectNode> now, long runChars) {
    List<ObjectNode> want = BaselineDiffReference.compare(old, now);
    BaselineDiff got = BaselineDiff.compare(old, now, runChars);
    assertEquals(want.stream().map(Json::line).toList(), got.lines());
    Map<String, Long> transitions = new TreeMap<>();
    for (BaselineDiff.Change c : BaselineDiff.Change.values()) {
      assertEquals(want.stream().filter(x -> BaselineDiff.change(x) == c).count(), got.count(c), c.label());
    }
    want.stream().filter(x -> BaselineDiff.change(x) == BaselineDiff.Change.CHANGED).forEach(x ->
        transitions.merge(x.path("old_verdict").asText() + " -> " + x.path("verdict").asText(), 1L, Long::sum));
    assertEquals(transitions, got.transitions());
    List<BaselineDiff.Change> order = List.of(BaselineDiff.Change.CHANGED, BaselineDiff.Change.NEW, BaselineDiff.Change.GONE);
    List<ObjectNode> changes = want.stream().filter(x -> BaselineDiff.change(x) != BaselineDiff.Change.SAME)
        .sorted(java.util.Comparator.comparingInt((ObjectNode x) -> order.indexOf(BaselineDiff.change(x)))).toList();
    assertEquals(changes.subList(0, Math.min(changes.size(), BaselineDiff.LISTED)), got.changes());
    assertEquals(changes.size(), got.changeCount());
  }

  @Test
  void randomScansWithDuplicatesAndRenamesCompareAsTheInMemoryReferenceDid() {
    Random r = new Random(20261204);
    for (int round = 0; round < 300; round++) {
      List<ObjectNode> old = randomScan(r, r.nextInt(40));
      List<ObjectNode> now = r.nextInt(4) == 0 ? old : randomScan(r, r.nextInt(40));
      // runs of a few lines: every sort spills and merges, in levels once past the merge fan-in
      assertSameAsReference(old, now, r.nextBoolean() ? 1 + r.nextInt(400) : Long.MAX_VALUE);
    }
  }

  @Test
  void moreChangesThanListedKeepTheFirstAndCountTheRest() {
    List<ObjectNode> now = new ArrayList<>();
    for (int i = 0; i < BaselineDiff.LISTED + 40; i++) {
      now.add(ReportSamples.module("new.deb", String.format("lib/m%04d.ko", i), "m" + i, "r", "ok"));
    }
    List<ObjectNode> old = List.of(ReportSamples.module("new.deb", "lib/m0007.ko", "m7", "r", "invalid"));
    assertSameAsReference(old, now, 256);
    BaselineDiff d = BaselineDiff.compare(old, now);
    assertEquals(BaselineDiff.LISTED, d.changes().size());
    assertEquals("changed", d.changes().get(0).path("change").asText());
    assertEquals(BaselineDiff.LISTED + 40, d.changeCount());
  }

  @Test
  void aScanComparedThroughFilesWritesTheLinesAndKeepsNoRows() throws IOException {
    Random r = new Random(7);
    List<ObjectNode> old = randomScan(r, 200);
    List<ObjectNode> now = randomScan(r, 200);
    List<String> written = new ArrayList<>();
    BaselineDiff d;
    try (BaselineDiff.Side o = BaselineDiff.Side.of(old, tmp); BaselineDiff.Side n = BaselineDiff.Side.of(now, tmp)) {
      d = BaselineDiff.compare(o, n, tmp, written::add);
    }
    assertEquals(BaselineDiff.compare(old, now).lines(), written);
    assertThrows(IllegalStateException.class, d::rows);
    try (var left = Files.list(tmp)) {
      assertTrue(left.findAny().isEmpty(), "every scratch run deleted");
    }
  }
}
