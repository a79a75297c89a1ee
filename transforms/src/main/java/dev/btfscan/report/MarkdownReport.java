package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code report.md}: the scan in a few lines for a mailing list or a CI log: totals, the verdict
 * table, per-release counts, the mismatched and invalid modules with a one-line reason each, and
 * the changes since a baseline. Lists are capped at {@link #MAX_LISTED} with "and N more".
 *
 * <p>Strings from the rows are untrusted: module names go in code spans sized to their content,
 * free text has Markdown's active characters escaped and line breaks flattened, so a row can
 * neither break the layout nor inject HTML or links.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  /** The most modules listed in one section. */
  public static final int MAX_LISTED = 25;

  /** The longest one-line reason, in characters. */
  static final int MAX_REASON = 200;

  /**
   * @param baseline the comparison with an earlier scan, or {@code null}
   * @param baselineName how to name that scan (its OUT), or {@code null}
   */
  public static String render(ScanRows rows, BaselineDiff baseline, String baselineName) {
    return ReportOut.toText(m -> render(rows, baseline, baselineName, m));
  }

  /** As {@link #render(ScanRows, BaselineDiff, String)}, written to {@code out} as it is made. */
  public static void render(ScanRows rows, BaselineDiff baseline, String baselineName, java.io.Writer out)
      throws java.io.IOException {
    ReportOut.render(out, m -> render(rows, baseline, baselineName, m));
  }

  private static void render(ScanRows rows, BaselineDiff baseline, String baselineName, ReportOut m) {
    List<ObjectNode> modules = rows.modules();
    Summary tally = Summary.ofModules(modules);
    long moduleCount = tally.modules();
    Map<String, Long> totals = tally.verdicts();
    List<String> verdicts = Verdicts.ordered(totals.keySet());
    Set<String> packages = new TreeSet<>(tally.byPackage().keySet());
    rows.packages().forEach(p -> packages.add(p.path("package").asText()));
    Map<String, Map<String, Long>> byRelease = tally.byRelease();

    m.append("# btf-scan report\n\n");
    m.append(moduleCount).append(moduleCount == 1 ? " module" : " modules").append(" in ")
        .append(packages.size()).append(packages.size() == 1 ? " package" : " packages").append(", ")
        .append(rows.kernels().size()).append(rows.kernels().size() == 1 ? " kernel image" : " kernel images").append(", ")
        .append(byRelease.size()).append(byRelease.size() == 1 ? " release" : " releases").append(".\n\n");

    m.append("| verdict | modules |\n| --- | ---: |\n");
    for (String v : verdicts) {
      m.append("| ").append(text(v)).append(" | ").append(totals.get(v)).append(" |\n");
    }
    m.append("| **all** | **").append(moduleCount).append("** |\n\n");

    if (!byRelease.isEmpty()) {
      m.append("## Per release\n\n| release | modules |");
      verdicts.forEach(v -> m.append(' ').append(text(v)).append(" |"));
      m.append("\n| --- | ---: |");
      verdicts.forEach(v -> m.append(" ---: |"));
      m.append('\n');
      byRelease.forEach((release, counts) -> {
        m.append("| ").append(release.isEmpty() ? "_unknown_" : text(release)).append(" | ")
            .append(counts.values().stream().mapToLong(Long::longValue).sum()).append(" |");
        verdicts.forEach(v -> m.append(' ').append(counts.getOrDefault(v, 0L)).append(" |"));
        m.append('\n');
      });
      m.append('\n');
    }

    // The first MAX_LISTED in this order, kept while counting, each with its mismatch row: a
    // cross-build scan may put every module here.
    java.util.Comparator<ScanRows.Explained> order = java.util.Comparator
        .comparing((ScanRows.Explained x) -> Verdicts.rank(x.row().path("verdict").asText()))
        .thenComparing(x -> x.row().path("release").asText())
        .thenComparing(x -> x.row().path("module").asText())
        .thenComparing(x -> ScanRows.key(x.row()));
    java.util.PriorityQueue<ScanRows.Explained> firsts = new java.util.PriorityQueue<>(order.reversed());
    int attentionCount = 0;
    for (ScanRows.Explained x : rows.explained()) {
      if (Verdicts.ATTENTION.contains(x.row().path("verdict").asText())) {
        attentionCount++;
        firsts.add(x);
        if (firsts.size() > MAX_LISTED) {
          firsts.poll();
        }
      }
    }
    List<ScanRows.Explained> attention = new ArrayList<>(firsts);
    attention.sort(order);
    m.append("## Mismatched or invalid modules (").append(attentionCount).append(")\n\n");
    if (attention.isEmpty()) {
      m.append("None.\n");
    } else {
      for (ScanRows.Explained x : attention) {
        ObjectNode r = x.row();
        m.append("- **").append(text(r.path("verdict").asText())).append("** ").append(code(r.path("module").asText()))
            .append(" (").append(text(r.path("release").asText())).append(", ").append(text(r.path("package").asText()))
            .append("): ").append(text(reason(r, x.mismatch()))).append('\n');
      }
      more(m, attentionCount, "mismatches.jsonl and modules.jsonl");
    }

    if (baseline != null) {
      m.append("\n## Since the baseline");
      if (baselineName != null) {
        m.append(' ').append(code(baselineName));
      }
      m.append("\n\n");
      List<String> parts = new ArrayList<>();
      for (BaselineDiff.Change c : BaselineDiff.Change.values()) {
        parts.add(baseline.count(c) + " " + c.label());
      }
      m.append(String.join(", ", parts)).append(".\n\n");
      if (!baseline.transitions().isEmpty()) {
        m.append("| was -> now | modules |\n| --- | ---: |\n");
        baseline.transitions().forEach((t, n) -> m.append("| ").append(text(t)).append(" | ").append(n).append(" |\n"));
        m.append('\n');
      }
      List<ObjectNode> changes = baseline.changes();
      for (ObjectNode r : changes.subList(0, Math.min(changes.size(), MAX_LISTED))) {
        m.append("- ").append(text(r.path("change").asText())).append(' ').append(code(r.path("module").asText()))
            .append(" (").append(text(r.path("release").asText())).append(", ").append(text(r.path("package").asText())).append(')');
        if (BaselineDiff.change(r) == BaselineDiff.Change.CHANGED) {
          m.append(": ").append(text(r.path("old_verdict").asText())).append(" -> ").append(text(r.path("verdict").asText()));
        } else if (BaselineDiff.change(r) == BaselineDiff.Change.NEW) {
          m.append(": ").append(text(r.path("verdict").asText()));
        } else {
          m.append(": was ").append(text(r.path("old_verdict").asText()));
        }
        m.append('\n');
      }
      more(m, baseline.changeCount(), "baseline.jsonl");
    }
  }

  /**
   * One line on why a module needs a person. With references resolved in both bases: the build
   * it came from, what its references came to and the first changed or gone one
   * ({@code built on 6.1.0-47: 1 changed, 20 wrong; STRUCT 'sk_buff' changed: size 232 -> 240});
   * else its first problem.
   */
  static String reason(JsonNode row, JsonNode mismatch) {
    JsonNode refs = mismatch == null ? null : mismatch.path("references");
    String line;
    if (refs != null && refs.isObject()) {
      List<String> counts = new ArrayList<>();
      for (String s : List.of("changed", "gone", "wrong", "moved")) {
        long n = refs.path(s).asLong();
        if (n > 0) {
          counts.add(n + " " + s);
        }
      }
      line = "built on " + refs.path("built_on").asText("?") + ": "
          + (counts.isEmpty() ? "every reference unchanged" : String.join(", ", counts));
      for (JsonNode a : refs.path("affected")) {
        String status = a.path("status").asText();
        if (status.equals("changed") || status.equals("gone")) {
          line += "; " + a.path("type").asText() + " " + status + (a.hasNonNull("detail") ? ": " + a.path("detail").asText() : "");
          break;
        }
      }
    } else {
      JsonNode problems = row.path("problems");
      if (problems.isArray() && problems.size() > 0) {
        line = problems.get(0).asText() + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
      } else {
        line = "no reason recorded";
      }
    }
    return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 1) + "\u2026";
  }

  private static void more(ReportOut m, long total, String where) {
    if (total > MAX_LISTED) {
      m.append("- and ").append(total - MAX_LISTED).append(" more (see ").append(where).append(")\n");
    }
  }

  /** Free text on one line with Markdown's active characters escaped. */
  static String text(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(' ');
      } else if (c == '_') {
        // Intraword underscores never start emphasis; escaping them would litter CONFIG_ names.
        boolean inWord = i > 0 && i + 1 < s.length()
            && Character.isLetterOrDigit(s.charAt(i - 1)) && Character.isLetterOrDigit(s.charAt(i + 1));
        b.append(inWord ? "_" : "\\_");
      } else if ("\\`*[]<|".indexOf(c) >= 0 || (i == 0 && (c == '>' || c == '#' || c == '-' || c == '+'))) {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A code span holding {@code s} literally, whatever backticks it contains. */
  static String code(String s) {
    String flat = s.replaceAll("\\p{Cntrl}", " ");
    int longest = 0;
    int run = 0;
    for (int i = 0; i < flat.length(); i++) {
      run = flat.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    boolean pad = flat.startsWith("`") || flat.endsWith("`") || flat.isEmpty();
    return fence + (pad ? " " : "") + flat + (pad ? " " : "") + fence;
  }
}
