package dev.btfscan.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.report.BaselineDiff;
import dev.btfscan.report.HtmlReport;
import dev.btfscan.report.MarkdownReport;
import dev.btfscan.report.ScanRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reports for people, written by the driver once the rows are: {@code report.html},
 * {@code report.md} and, with {@code --baseline}, {@code baseline.jsonl}. Rendered from the JSONL
 * files as written, like {@code summary.json}, so they can never disagree with them.
 */
final class ScanReports {
  static final String HTML = "report.html";
  static final String MARKDOWN = "report.md";
  static final String BASELINE = "baseline.jsonl";

  private final String baselineName;
  private final List<ObjectNode> baseline;

  private ScanReports(String baselineName, List<ObjectNode> baseline) {
    this.baselineName = baselineName;
    this.baseline = baseline;
  }

  /**
   * Reads the baseline's module rows now, before the scan: a wrong {@code --baseline} fails
   * before any work, and OUT may be the baseline itself (it is replaced only at the end).
   *
   * @param baseline an earlier scan's OUT, or {@code null}
   */
  static ScanReports prepare(String baseline) throws IOException {
    return new ScanReports(baseline, baseline == null ? null : ScanRows.readModules(Path.of(baseline)));
  }

  /** Writes the reports into {@code staging}, from the rows already there. */
  void write(Path staging) throws IOException {
    ScanRows rows = ScanRows.read(staging);
    BaselineDiff diff = null;
    if (baseline != null) {
      diff = BaselineDiff.compare(baseline, rows.modules());
      Files.write(staging.resolve(BASELINE), diff.lines(), StandardCharsets.UTF_8);
    }
    // Written as they are rendered: the page of a large scan is never held whole.
    try (java.io.Writer html = Files.newBufferedWriter(staging.resolve(HTML), StandardCharsets.UTF_8)) {
      HtmlReport.render(rows, diff, baselineName, html);
    }
    try (java.io.Writer markdown = Files.newBufferedWriter(staging.resolve(MARKDOWN), StandardCharsets.UTF_8)) {
      MarkdownReport.render(rows, diff, baselineName, markdown);
    }
  }
}
