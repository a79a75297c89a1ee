package dev.btfscan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reports explain each mismatched module from its own {@code mismatches.jsonl} row, found by
 * walking both files once in their common order, never by holding every mismatch row.
 */
class ExplainedRowsTest {
  private static final String PKG = "linux-image-6.1.0-47_amd64.deb";

  private static ObjectNode row(String path, String verdict) {
    return ReportSamples.module(PKG, path, path.replace(".ko", ""), "6.1.0-47", verdict);
  }

  private static ObjectNode mismatchWithDetail(ObjectNode row, String detail) {
    ObjectNode m = ReportSamples.mismatch(row);
    ((ObjectNode) m.path("references").path("affected").get(0)).put("detail", detail);
    return m;
  }

  private static List<ScanRows.Explained> explained(List<ObjectNode> modules, List<ObjectNode> mismatches) {
    List<ScanRows.Explained> out = new ArrayList<>();
    new ScanRows(modules, mismatches, List.of(), List.of()).explained().forEach(out::add);
    return out;
  }

  @Test
  void eachModuleRowComesWithTheMismatchRowThatExtendsIt() {
    ObjectNode a = row("a.ko", "ok");
    ObjectNode b = row("b.ko", "mismatch");
    ObjectNode c = row("c.ko", "ok");
    ObjectNode d = row("d.ko", "mismatch");
    ObjectNode whyB = ReportSamples.mismatch(b);
    ObjectNode whyD = ReportSamples.mismatch(d);

    List<ScanRows.Explained> x = explained(List.of(a, b, c, d), List.of(whyB, whyD));

    assertEquals(List.of(a, b, c, d), x.stream().map(ScanRows.Explained::row).toList());
    assertNull(x.get(0).mismatch());
    assertEquals(whyB, x.get(1).mismatch());
    assertNull(x.get(2).mismatch());
    assertEquals(whyD, x.get(3).mismatch());
  }

  @Test
  void twoEntriesOfOneNameEachKeepTheirOwnExplanation() {
    // A package listing nf_dup.ko twice: both rows share package and path, and differ (the
    // second has its own blob and a duplicate-entry problem).
    ObjectNode first = row("nf_dup.ko", "mismatch");
    ObjectNode second = row("nf_dup.ko", "mismatch");
    second.withArray("problems").add("duplicate entry name in package");
    ObjectNode whyFirst = mismatchWithDetail(first, "size 232 -> 240");
    ObjectNode whySecond = mismatchWithDetail(second, "size 8 -> 16");

    List<ScanRows.Explained> x = explained(List.of(first, second), List.of(whyFirst, whySecond));

    assertEquals(whyFirst, x.get(0).mismatch());
    assertEquals(whySecond, x.get(1).mismatch());
    String html = HtmlReport.render(new ScanRows(List.of(first, second), List.of(whyFirst, whySecond), List.of(),
        List.of()), null, null);
    assertTrue(html.contains("size 232 -&gt; 240") && html.contains("size 8 -&gt; 16"), "both explanations shown");
  }

  @Test
  void aMismatchRowPairsOnlyWithTheRowItExtends() {
    ObjectNode b = row("b.ko", "mismatch");
    ObjectNode why = ReportSamples.mismatch(b);
    assertTrue(ScanRows.isMismatchOf(why, b));
    ObjectNode other = b.deepCopy();
    other.put("types", 1);
    assertFalse(ScanRows.isMismatchOf(why, other), "one field differs");
    assertFalse(ScanRows.isMismatchOf(b, b), "no references");
    ObjectNode extra = why.deepCopy();
    extra.put("more", 1);
    assertFalse(ScanRows.isMismatchOf(extra, b), "a field besides references");
  }

  @Test
  void aMismatchRowThatNoModuleRowExplainsIsAnErrorNotADroppedRow() {
    ObjectNode a = row("a.ko", "ok");
    ObjectNode stray = ReportSamples.mismatch(row("gone.ko", "mismatch"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> explained(List.of(a), List.of(stray)));
    assertTrue(e.getMessage().contains("mismatches.jsonl row 1 (gone.ko in " + PKG + ")"), e.getMessage());
  }

  @Test
  void mismatchRowsOutOfTheModulesOrderAreAnError() {
    ObjectNode b = row("b.ko", "mismatch");
    ObjectNode d = row("d.ko", "mismatch");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> explained(List.of(b, d), List.of(ReportSamples.mismatch(d), ReportSamples.mismatch(b))));
    assertTrue(e.getMessage().contains("row 2 (b.ko"), e.getMessage());
  }

  @Test
  void noMismatchRowsExplainNothing() {
    ObjectNode a = row("a.ko", "ok");
    List<ScanRows.Explained> x = explained(List.of(a), List.of());
    assertEquals(1, x.size());
    assertSame(a, x.get(0).row());
    assertNull(x.get(0).mismatch());
  }
}
