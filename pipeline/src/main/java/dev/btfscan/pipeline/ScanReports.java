package dev.btfscan.pipeline;

import dev.btfscan.report.BaselineDiff;
import dev.btfscan.report.HtmlReport;
import dev.btfscan.report.MarkdownReport;
import dev.btfscan.report.ScanRows;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reports for people, written by the driver once the rows are: {@code report.html},
 * {@code report.md} and, with {@code --baseline}, {@code baseline.jsonl}. Rendered from the JSONL
 * files as written, like {@code summary.json}, so they can never disagree with them.
 */
final class ScanReports implements Closeable {
  static final String HTML = "report.html";
  static final String MARKDOWN = "report.md";
  static final String BASELINE = "baseline.jsonl";

  private final String baselineName;
  /** Where the baseline comparison sorts its rows (a directory of the system's temporary files). */
  private final Path scratch;
  private final BaselineDiff.Side baseline;

  private ScanReports(String baselineName, Path scratch, BaselineDiff.Side baseline) {
    this.baselineName = baselineName;
    this.scratch = scratch;
    this.baseline = baseline;
  }

  /**
   * Reads the baseline's module rows now, before the scan, into sorted runs on disk: a wrong or
   * damaged {@code --baseline} fails before any work, and OUT may be the baseline itself (it is
   * replaced only at the end).
   *
   * @param baseline an earlier scan's OUT, or {@code null}
   */
  static ScanReports prepare(String baseline) throws IOException {
    return prepare(baseline, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As {@link #prepare(String)}, the comparison's scratch directory made under {@code scratchParent}. */
  static ScanReports prepare(String baseline, Path scratchParent) throws IOException {
    if (baseline == null) {
      return new ScanReports(null, null, null);
    }
    Path scratch = Files.createTempDirectory(scratchParent, "btf-scan-baseline-");
    try {
      return new ScanReports(baseline, scratch, BaselineDiff.Side.of(ScanRows.modulesOf(Path.of(baseline)), scratch));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(scratch);
      throw e;
    }
  }

  /** Writes the reports into {@code staging} from {@code rows}, read from there. */
  void write(Path staging, ScanRows rows) throws IOException {
    BaselineDiff diff = null;
    if (baseline != null) {
      try (BaselineDiff.Side now = BaselineDiff.Side.of(rows.modules(), scratch);
          Writer lines = Files.newBufferedWriter(staging.resolve(BASELINE), StandardCharsets.UTF_8)) {
        diff = BaselineDiff.compare(baseline, now, scratch, line -> lines.append(line).append('\n'));
      }
    }
    // Written as they are rendered: the page of a large scan is never held whole.
    try (Writer html = Files.newBufferedWriter(staging.resolve(HTML), StandardCharsets.UTF_8)) {
      HtmlReport.render(rows, diff, baselineName, html);
    }
    try (Writer markdown = Files.newBufferedWriter(staging.resolve(MARKDOWN), StandardCharsets.UTF_8)) {
      MarkdownReport.render(rows, diff, baselineName, markdown);
    }
  }

  /** Deletes the baseline's sorted runs, written or not. */
  @Override
  public void close() throws IOException {
    if (baseline != null) {
      baseline.close();
      Files.deleteIfExists(scratch);
    }
  }
}
