package dev.btfscan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
  static final String TEXT = MarkdownReport.render(ReportSamples.scan(), null, null);

  @Test
  void startsWithTotalsAndTheVerdictTableInVerdictOrder() {
    assertTrue(TEXT.startsWith("# btf-scan report\n\n5 modules in 4 packages, 1 kernel image, 2 releases.\n\n"
        + "| verdict | modules |\n| --- | ---: |\n| ok | 2 |\n| remapped | 1 |\n| mismatch | 1 |\n| invalid | 1 |\n"
        + "| **all** | **5** |\n"), TEXT);
    assertTrue(TEXT.contains("| release | modules | ok | remapped | mismatch | invalid |\n"));
    assertTrue(TEXT.contains("| 6.1.0-53 | 4 | 2 | 1 | 0 | 1 |\n"), TEXT);
  }

  @Test
  void listsMismatchedThenInvalidModulesWithOneLineReasons() {
    assertTrue(TEXT.contains("## Mismatched or invalid modules (2)\n\n"
        + "- **mismatch** `nf_dup` (6.1.0-47, linux-image-6.1.0-47_amd64.deb): built on 6.1.0-47-cloud-amd64: "
        + "1 changed, 1 gone, 1 wrong, 2 moved; STRUCT 'sk_buff' changed: size 232 -> 240\n"
        + "- **invalid** `<script>"), TEXT);
    assertFalse(TEXT.contains("af_key"), "ok modules are counted, not listed");
  }

  @Test
  void aHostileModuleNameStaysInACodeSpanAndProblemsHaveMarkupEscaped() {
    String line = TEXT.lines().filter(l -> l.startsWith("- **invalid**")).findFirst().orElseThrow();
    assertTrue(line.startsWith("- **invalid** `<script>alert(1)</script>.ko` (6.1.0-53, evil.tar): "
        + "BTF header: \\<b>bad\\</b> magic 0x\"eb9f\" & 'more'"), line);
  }

  @Test
  void longListsAreCappedWithHowManyMore() {
    List<ObjectNode> modules = new ArrayList<>();
    for (int i = 0; i < MarkdownReport.MAX_LISTED + 7; i++) {
      modules.add(ReportSamples.module("p.deb", String.format("m%02d.ko", i), String.format("m%02d", i), "6.1.0-47",
          "mismatch", "built against another base"));
    }
    String text = MarkdownReport.render(new ScanRows(modules, List.of(), List.of(), List.of()), null, null);
    assertEquals(MarkdownReport.MAX_LISTED, text.lines().filter(l -> l.startsWith("- **mismatch**")).count());
    assertTrue(text.contains("- and 7 more (see mismatches.jsonl and modules.jsonl)\n"), text);
    assertTrue(text.contains("`m24`") && !text.contains("`m25`"));
  }

  /** The rows arrive in file order, not the list's: the list still shows the first in its own order. */
  @Test
  void theCappedListIsTheFirstInVerdictReleaseAndNameOrderWhateverTheRowOrder() {
    List<ObjectNode> modules = new ArrayList<>();
    for (int i = MarkdownReport.MAX_LISTED + 6; i >= 0; i--) {
      modules.add(ReportSamples.module("p.deb", String.format("m%02d.ko", i), String.format("m%02d", i), "6.1.0-47",
          "mismatch", "built against another base"));
    }
    // an older release sorts first, wherever its row is
    modules.add(MarkdownReport.MAX_LISTED, ReportSamples.module("q.deb", "z.ko", "z", "6.1.0-40", "mismatch", "another base"));
    String text = MarkdownReport.render(new ScanRows(modules, List.of(), List.of(), List.of()), null, null);
    List<String> listed = text.lines().filter(l -> l.startsWith("- **")).map(l -> l.substring(0, l.indexOf(" (")))
        .toList();
    List<String> want = new ArrayList<>();
    want.add("- **mismatch** `z`");
    for (int i = 0; i < MarkdownReport.MAX_LISTED - 1; i++) {
      want.add(String.format("- **mismatch** `m%02d`", i));
    }
    assertEquals(want, listed);
    assertTrue(text.contains("## Mismatched or invalid modules (" + (MarkdownReport.MAX_LISTED + 8) + ")"), text);
    assertTrue(text.contains("- and 8 more (see mismatches.jsonl and modules.jsonl)\n"), text);
  }

  @Test
  void aReasonIsTheFirstProblemWhenNoReferencesWereResolvedAndIsCapped() {
    ObjectNode row = ReportSamples.module("p.deb", "a.ko", "a", "r", "invalid", "x".repeat(300), "second");
    String reason = MarkdownReport.reason(row, null);
    assertEquals(MarkdownReport.MAX_REASON, reason.length());
    assertTrue(reason.endsWith("x\u2026"));
    assertEquals("one (+1 more)", MarkdownReport.reason(ReportSamples.module("p", "a", "a", "r", "invalid", "one", "two"), null));
    assertEquals("no reason recorded", MarkdownReport.reason(ReportSamples.module("p", "a", "a", "r", "invalid"), null));
  }

  @Test
  void aScanWithNothingToReportSaysNone() {
    String text = MarkdownReport.render(new ScanRows(List.of(), List.of(), List.of(), List.of()), null, null);
    assertTrue(text.contains("0 modules in 0 packages, 0 kernel images, 0 releases."));
    assertTrue(text.contains("## Mismatched or invalid modules (0)\n\nNone.\n"));
  }

  @Test
  void theBaselineSectionCountsChangesAndListsVerdictChangesFirst() {
    ScanRows now = ReportSamples.scan();
    List<ObjectNode> old = ReportSamples.baselineOf(now, false);
    old.add(ReportSamples.module("gone.deb", "x.ko", "x", "6.1.0-50", "ok"));
    String text = MarkdownReport.render(now, BaselineDiff.compare(old, now.modules()), "/tmp/old");
    assertTrue(text.endsWith("## Since the baseline `/tmp/old`\n\n0 new, 1 gone, 1 changed, 4 same.\n\n"
        + "| was -> now | modules |\n| --- | ---: |\n| ok -> mismatch | 1 |\n\n"
        + "- changed `nf_dup` (6.1.0-47, linux-image-6.1.0-47_amd64.deb): ok -> mismatch\n"
        + "- gone `x` (6.1.0-50, gone.deb): was ok\n"), text);
  }

  @Test
  void textEscapesMarkdownButKeepsIntrawordUnderscores() {
    assertEquals("CONFIG_DEBUG_INFO_BTF \\_x\\_ a\\*b\\* \\[l\\](u) \\<i> a\\|b \\`c\\` x y",
        MarkdownReport.text("CONFIG_DEBUG_INFO_BTF _x_ a*b* [l](u) <i> a|b `c` x\ny"));
    assertEquals("\\# not a heading", MarkdownReport.text("# not a heading"));
  }

  @Test
  void codeSpansHoldBackticksWithALongerFence() {
    assertEquals("`plain`", MarkdownReport.code("plain"));
    assertEquals("``a`b``", MarkdownReport.code("a`b"));
    assertEquals("`` `x ``", MarkdownReport.code("`x"));
    assertEquals("```a``b```", MarkdownReport.code("a``b"));
  }
}
