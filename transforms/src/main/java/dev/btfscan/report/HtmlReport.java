package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.analysis.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: one self-contained page (inline CSS, inline vanilla JS, inline SVG; nothing
 * fetched) with totals per verdict, package and release, a stacked-bar chart of verdicts per
 * package, the changes since a baseline, and a sortable, filterable table of every module with its
 * explanation.
 *
 * <p>Every string from the rows is escaped: module names, paths and problems come from the
 * packages scanned. The page's Content-Security-Policy allows only its own style and script (by
 * hash) and no network at all, so even a missed escape could not run a script. The page is the
 * same bytes for the same rows: no clock, no random ids, every map sorted.
 *
 * <p>The script reads a URL fragment on load: {@code #sort=types} (ascending) or
 * {@code #sort=-types} (descending) for any column name in {@link #COLUMNS}, {@code q=text} and
 * {@code verdict=label} for the filters; clicking a column header sorts and updates the fragment.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The module table's sortable columns: the names {@code #sort=} accepts. */
  public static final List<String> COLUMNS =
      List.of("module", "release", "package", "verdict", "btf", "types", "built_against");

  /** Rows of the baseline table shown; the rest are in baseline.jsonl. */
  static final int BASELINE_ROWS = BaselineDiff.LISTED;

  /**
   * Affected references listed per module; the rest are in mismatches.jsonl (up to 200 each). A
   * scan against another build explains every module, and listing all of them made the 5-copy
   * page 205 MB, more than a browser opens.
   */
  static final int AFFECTED_SHOWN = 10;

  /**
   * Renders the page.
   *
   * @param baseline the comparison with an earlier scan, or {@code null}
   * @param baselineName how to name that scan on the page (its OUT), or {@code null}
   */
  public static String render(ScanRows rows, BaselineDiff baseline, String baselineName) {
    return ReportOut.toText(h -> render(rows, baseline, baselineName, h));
  }

  /** As {@link #render(ScanRows, BaselineDiff, String)}, written to {@code out} as it is made. */
  public static void render(ScanRows rows, BaselineDiff baseline, String baselineName, java.io.Writer out)
      throws java.io.IOException {
    ReportOut.render(out, h -> render(rows, baseline, baselineName, h));
  }

  private static void render(ScanRows rows, BaselineDiff baseline, String baselineName, ReportOut h) {
    Summary counts = Summary.ofModules(rows.modules());
    long moduleCount = counts.modules();
    List<String> verdicts = Verdicts.ordered(counts.verdicts().keySet());
    Map<String, Map<String, Long>> byPackage = packages(counts, rows);
    Map<String, Map<String, Long>> byRelease = counts.byRelease();

    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '")
        .append(STYLE_HASH).append("'; script-src '").append(SCRIPT_HASH).append("'\">\n");
    h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.append("<title>btf-scan report</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
    h.append("<h1>btf-scan report</h1>\n");
    h.append("<p class=\"totals\">").append(moduleCount).append(plural(moduleCount, " module", " modules"))
        .append(" in ").append(byPackage.size()).append(plural(byPackage.size(), " package", " packages"))
        .append(", ").append(rows.kernels().size()).append(plural(rows.kernels().size(), " kernel image", " kernel images"))
        .append(", ").append(byRelease.size()).append(plural(byRelease.size(), " release", " releases")).append(".</p>\n");

    h.append("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n<table class=\"counts\"><thead><tr><th>verdict</th><th>modules</th></tr></thead><tbody>\n");
    Map<String, Long> totals = counts.verdicts();
    for (String v : verdicts) {
      h.append("<tr><td>").append(badge(v)).append("</td><td class=\"n\">").append(totals.get(v)).append("</td></tr>\n");
    }
    h.append("</tbody><tfoot><tr><td>all</td><td class=\"n\">").append(moduleCount).append("</td></tr></tfoot></table>\n</section>\n");

    h.append("<section id=\"chart\">\n<h2>Verdicts per package</h2>\n");
    chart(h, byPackage, verdicts);
    h.append("</section>\n");

    h.append("<section id=\"packages\">\n<h2>Per package</h2>\n");
    countTable(h, "package", byPackage, verdicts);
    h.append("</section>\n<section id=\"releases\">\n<h2>Per release</h2>\n");
    countTable(h, "release", byRelease, verdicts);
    h.append("</section>\n");

    if (baseline != null) {
      baselineSection(h, baseline, baselineName);
    }

    moduleTable(h, rows, moduleCount, verdicts);
    h.append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
  }

  /** Escapes text for HTML element content and double- or single-quoted attribute values. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append("\uFFFD"); // control characters: not allowed in HTML text
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** Per package, with packages that held no module (a kernel image alone) as empty rows. */
  private static Map<String, Map<String, Long>> packages(Summary counts, ScanRows rows) {
    Map<String, Map<String, Long>> m = new TreeMap<>(counts.byPackage());
    rows.packages().forEach(p -> m.computeIfAbsent(p.path("package").asText(), k -> new TreeMap<>()));
    return m;
  }

  private static void countTable(ReportOut h, String what, Map<String, Map<String, Long>> counts, List<String> verdicts) {
    h.append("<table class=\"counts\"><thead><tr><th>").append(what).append("</th><th>modules</th>");
    for (String v : verdicts) {
      h.append("<th>").append(badge(v)).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
      long total = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      h.append("<tr><td>").append(e.getKey().isEmpty() ? "<i>unknown</i>" : escape(e.getKey()))
          .append("</td><td class=\"n\">").append(total).append("</td>");
      for (String v : verdicts) {
        long n = e.getValue().getOrDefault(v, 0L);
        h.append("<td class=\"n").append(n == 0 ? " zero" : "").append("\">").append(n).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  // The chart's geometry, in SVG user units (pixels at 100%).
  static final int CHART_WIDTH = 1000;
  static final int LABEL_WIDTH = 380;
  static final int BAR_WIDTH = 520;
  static final int ROW_HEIGHT = 22;
  static final int BAR_HEIGHT = 16;
  static final int LEGEND_HEIGHT = 28;
  static final int LABEL_CHARS = 50; // ~7 px each at 12 px: fits LABEL_WIDTH

  /** Stacked horizontal bars, one {@code <g class="bar">} per package, scaled to the largest. */
  private static void chart(ReportOut h, Map<String, Map<String, Long>> byPackage, List<String> verdicts) {
    long max = 1;
    for (Map<String, Long> c : byPackage.values()) {
      max = Math.max(max, c.values().stream().mapToLong(Long::longValue).sum());
    }
    int height = LEGEND_HEIGHT + byPackage.size() * ROW_HEIGHT + 4;
    h.append("<svg id=\"verdict-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title\" ")
        .append("width=\"").append(CHART_WIDTH).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">\n<title id=\"chart-title\">Verdicts per package</title>\n");
    h.append("<g class=\"legend\">");
    int x = LABEL_WIDTH;
    for (String v : verdicts) {
      h.append("<rect x=\"").append(x).append("\" y=\"6\" width=\"12\" height=\"12\" fill=\"").append(Verdicts.color(v)).append("\"/>")
          .append("<text x=\"").append(x + 16).append("\" y=\"16\">").append(escape(v)).append("</text>");
      x += 28 + 8 * v.length(); // ~8 px per character of 12 px sans-serif
    }
    h.append("</g>\n");
    int row = 0;
    for (Map.Entry<String, Map<String, Long>> e : byPackage.entrySet()) {
      String pkg = e.getKey();
      int y = LEGEND_HEIGHT + row * ROW_HEIGHT;
      long total = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      h.append("<g class=\"bar\" data-package=\"").append(escape(pkg)).append("\" data-total=\"").append(total).append("\">");
      h.append("<title>").append(escape(pkg)).append(": ").append(total).append(plural(total, " module", " modules")).append("</title>");
      h.append("<text x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + 13).append("\" text-anchor=\"end\">")
          .append(escape(shorten(pkg))).append("</text>");
      long cumulative = 0;
      for (String v : verdicts) {
        long n = e.getValue().getOrDefault(v, 0L);
        if (n == 0) {
          continue;
        }
        long x0 = Math.round((double) BAR_WIDTH * cumulative / max);
        cumulative += n;
        long x1 = Math.round((double) BAR_WIDTH * cumulative / max);
        h.append("<rect class=\"seg\" data-verdict=\"").append(escape(v)).append("\" x=\"").append(LABEL_WIDTH + x0)
            .append("\" y=\"").append(y + 2).append("\" width=\"").append(Math.max(1, x1 - x0))
            .append("\" height=\"").append(BAR_HEIGHT).append("\" fill=\"").append(Verdicts.color(v)).append("\">")
            .append("<title>").append(escape(pkg)).append(": ").append(escape(v)).append(' ').append(n).append("</title></rect>");
      }
      long end = Math.round((double) BAR_WIDTH * cumulative / max);
      h.append("<text x=\"").append(LABEL_WIDTH + end + 6).append("\" y=\"").append(y + 13).append("\">")
          .append(total).append("</text></g>\n");
      row++;
    }
    h.append("</svg>\n");
  }

  private static void baselineSection(ReportOut h, BaselineDiff d, String name) {
    h.append("<section id=\"baseline\">\n<h2>Since the baseline</h2>\n<p>Compared with ")
        .append(name == null ? "an earlier scan" : "<code>" + escape(name) + "</code>").append(": ");
    List<String> parts = new ArrayList<>();
    for (BaselineDiff.Change c : BaselineDiff.Change.values()) {
      parts.add("<span class=\"chg-" + c.label() + "\">" + d.count(c) + " " + c.label() + "</span>");
    }
    h.append(String.join(", ", parts)).append(".</p>\n");
    if (!d.transitions().isEmpty()) {
      h.append("<table class=\"counts\"><thead><tr><th>verdict change</th><th>modules</th></tr></thead><tbody>\n");
      d.transitions().forEach((t, n) ->
          h.append("<tr><td>").append(escape(t)).append("</td><td class=\"n\">").append(n).append("</td></tr>\n"));
      h.append("</tbody></table>\n");
    }
    List<ObjectNode> changes = d.changes();
    if (!changes.isEmpty()) {
      h.append("<table class=\"list\" id=\"baseline-table\"><thead><tr><th>change</th><th>module</th><th>release</th>")
          .append("<th>package / path</th><th>was</th><th>now</th><th>matched by</th></tr></thead><tbody>\n");
      for (ObjectNode r : changes.subList(0, Math.min(changes.size(), BASELINE_ROWS))) {
        h.append("<tr><td>").append(escape(r.path("change").asText())).append("</td><td>")
            .append(escape(r.path("module").asText())).append("</td><td>")
            .append(escape(r.path("release").asText())).append("</td><td>")
            .append(escape(r.path("package").asText())).append("<div class=\"path\">")
            .append(escape(r.path("path").asText())).append("</div>");
        if (BaselineDiff.BY_NAME.equals(r.path("matched_by").asText())) {
          h.append("<div class=\"path\">was ").append(escape(r.path("old_package").asText())).append(": ")
              .append(escape(r.path("old_path").asText())).append("</div>");
        }
        h.append("</td><td>").append(optionalBadge(r.path("old_verdict"))).append("</td><td>")
            .append(optionalBadge(r.path("verdict"))).append("</td><td>")
            .append(escape(r.path("matched_by").asText(""))).append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
      if (d.changeCount() > BASELINE_ROWS) {
        h.append("<p>and ").append(d.changeCount() - BASELINE_ROWS).append(" more: see baseline.jsonl</p>\n");
      }
    }
    h.append("</section>\n");
  }

  private static void moduleTable(ReportOut h, ScanRows rows, long n, List<String> verdicts) {
    h.append("<section id=\"modules\">\n<h2>Modules</h2>\n<div class=\"controls\">")
        .append("<label>Filter <input id=\"filter\" type=\"search\" placeholder=\"module, package, path, problem\" autocomplete=\"off\"></label> ")
        .append("<label>Verdict <select id=\"verdict\"><option value=\"\">all</option>");
    for (String v : verdicts) {
      h.append("<option value=\"").append(escape(v)).append("\">").append(escape(v)).append("</option>");
    }
    h.append("</select></label> <span id=\"shown\">").append(n).append(" of ").append(n).append(" modules</span></div>\n");
    h.append("<table class=\"list\" id=\"modules-table\"><thead><tr>");
    Map<String, String> titles = Map.of("module", "Module", "release", "Release", "package", "Package",
        "verdict", "Verdict", "btf", "BTF", "types", "Types", "built_against", "Built against");
    for (String c : COLUMNS) {
      h.append("<th data-col=\"").append(c).append("\" data-type=\"").append(c.equals("types") ? "num" : "text")
          .append("\" tabindex=\"0\" title=\"sort\">").append(titles.get(c)).append("</th>");
    }
    h.append("<th>Explanation</th></tr></thead>\n<tbody>\n");
    for (ScanRows.Explained x : rows.explained()) {
      ObjectNode r = x.row();
      String verdict = r.path("verdict").asText();
      h.append("<tr data-verdict=\"").append(escape(verdict)).append("\">");
      h.append("<td data-sort=\"").append(escape(r.path("module").asText())).append("\"><span class=\"mod\">")
          .append(escape(r.path("module").asText())).append("</span><div class=\"path\">")
          .append(escape(r.path("path").asText())).append("</div></td>");
      h.append("<td>").append(escape(r.path("release").asText())).append("</td>");
      h.append("<td>").append(escape(r.path("package").asText())).append("</td>");
      h.append("<td data-sort=\"").append(String.format(java.util.Locale.ROOT, "%02d", Verdicts.rank(verdict))).append(escape(verdict)).append("\">")
          .append(badge(verdict)).append("</td>");
      h.append("<td>").append(escape(r.path("btf").asText())).append("</td>");
      JsonNode types = r.path("types");
      long t = types.isNumber() ? types.asLong() : -1;
      h.append("<td class=\"n\" data-sort=\"").append(t).append("\">").append(t < 0 ? "" : Long.toString(t)).append("</td>");
      h.append("<td>").append(builtAgainst(r.path("built_against"))).append("</td>");
      h.append("<td class=\"why\">");
      explanation(h, r, x.mismatch());
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table>\n</section>\n");
  }

  private static String builtAgainst(JsonNode ba) {
    if (!ba.isObject()) {
      return "";
    }
    if (ba.path("release").isTextual()) {
      return escape(ba.path("release").asText());
    }
    StringBuilder b = new StringBuilder("<span class=\"unknown\">no scanned kernel</span>");
    if (ba.path("strings").isNumber()) {
      b.append("<div class=\"path\">strings ").append(ba.path("strings").asLong());
      if (ba.path("types").isNumber()) {
        b.append(", types ").append(ba.path("types").asLong());
      } else if (ba.path("types_at_least").isNumber()) {
        b.append(", types &ge; ").append(ba.path("types_at_least").asLong());
      }
      b.append("</div>");
    }
    return b.toString();
  }

  private static void explanation(ReportOut h, JsonNode row, JsonNode mismatch) {
    List<String> problems = texts(row.path("problems"));
    List<String> notes = texts(row.path("notes"));
    if (!problems.isEmpty()) {
      h.append("<ul class=\"problems\">");
      problems.forEach(p -> h.append("<li>").append(escape(p)).append("</li>"));
      h.append("</ul>");
    }
    if (!notes.isEmpty()) {
      h.append("<ul class=\"notes\">");
      notes.forEach(p -> h.append("<li>").append(escape(p)).append("</li>"));
      h.append("</ul>");
    }
    JsonNode refs = mismatch == null ? null : mismatch.path("references");
    if (refs == null || !refs.isObject()) {
      return;
    }
    h.append("<div class=\"refs\">References into the base (built on ").append(escape(refs.path("built_on").asText("?")))
        .append("): ");
    List<String> counts = new ArrayList<>();
    for (String s : List.of("unchanged", "moved", "changed", "gone", "wrong")) {
      long n = refs.path(s).asLong();
      counts.add("<span class=\"ref-" + s + (n == 0 ? " zero" : "") + "\">" + n + " " + s + "</span>");
    }
    h.append(String.join(", ", counts)).append("</div>");
    JsonNode affected = refs.path("affected");
    if (affected.isArray() && affected.size() > 0) {
      h.append("<details><summary>").append(affected.size()).append(" affected reference")
          .append(affected.size() == 1 ? "" : "s").append("</summary><ul class=\"affected\">");
      int shown = 0;
      for (JsonNode a : affected) {
        if (shown++ == AFFECTED_SHOWN) {
          h.append("<li>and ").append(affected.size() - AFFECTED_SHOWN).append(" more in mismatches.jsonl</li>");
          break;
        }
        h.append("<li><code>[").append(a.path("id").asLong()).append("] ").append(escape(a.path("type").asText()))
            .append("</code> <b>").append(escape(a.path("status").asText())).append("</b>");
        if (a.has("new_id")) {
          h.append(" to [").append(a.path("new_id").asLong()).append("]");
        }
        if (a.hasNonNull("detail")) {
          h.append(": ").append(escape(a.path("detail").asText()));
        }
        if (a.hasNonNull("id_now")) {
          h.append("; id ").append(a.path("id").asLong()).append(" is now <code>").append(escape(a.path("id_now").asText())).append("</code>");
        }
        List<String> users = texts(a.path("used_by"));
        if (!users.isEmpty()) {
          h.append(" <span class=\"users\">(used by ");
          for (int i = 0; i < users.size(); i++) {
            h.append(i == 0 ? "" : ", ").append("<code>").append(escape(users.get(i))).append("</code>");
          }
          h.append(")</span>");
        }
        h.append("</li>");
      }
      h.append("</ul></details>");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> l = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(x -> l.add(x.asText()));
    }
    return l;
  }

  private static String badge(String verdict) {
    return "<span class=\"v " + Verdicts.cssClass(verdict) + "\">" + escape(verdict) + "</span>";
  }

  private static String optionalBadge(JsonNode verdict) {
    return verdict.isTextual() ? badge(verdict.asText()) : "";
  }

  /**
   * A chart label that fits left of the bars: long names lose their middle, since package names
   * differ at the end (version, arch) as much as at the start. The bar's title has the full name.
   */
  static String shorten(String s) {
    if (s.length() <= LABEL_CHARS) {
      return s;
    }
    int head = (LABEL_CHARS - 1) / 2;
    int tail = LABEL_CHARS - 1 - head;
    return s.substring(0, head) + "\u2026" + s.substring(s.length() - tail);
  }

  private static String plural(long n, String one, String many) {
    return n == 1 ? one : many;
  }

  private static String css() {
    StringBuilder b = new StringBuilder("""

        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em 2em;color:#212121;background:#fff}
        h1{font-size:1.6em;margin:0 0 .2em}
        h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}
        table{border-collapse:collapse}
        th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
        thead th{background:#f5f5f5}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        td.zero{color:#bbb}
        .zero{color:#999}
        #packages,#releases{display:inline-block;vertical-align:top;margin-right:2em}
        .v{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
        .path{color:#757575;font-size:11px;word-break:break-all}
        .mod{font-weight:600}
        .unknown{color:#b71c1c}
        .controls{margin:.5em 0}
        .controls input{width:22em}
        #shown{color:#616161;margin-left:1em}
        table.list{width:100%}
        #modules-table th[data-col]{cursor:pointer;user-select:none;white-space:nowrap}
        #modules-table th[data-col]::after{content:" \\2195";color:#bbb}
        #modules-table th[aria-sort=ascending]::after{content:" \\2191";color:#212121}
        #modules-table th[aria-sort=descending]::after{content:" \\2193";color:#212121}
        td.why{max-width:44em}
        #modules-table td:nth-child(2){white-space:nowrap}
        ul.problems,ul.notes,ul.affected{margin:0;padding-left:1.2em}
        ul.problems{color:#b71c1c}
        ul.notes{color:#616161}
        .refs{margin-top:2px}
        .ref-changed,.ref-gone,.ref-wrong{font-weight:600}
        .users{color:#616161}
        code{font-size:12px}
        """);
    for (Verdict v : Verdict.values()) {
      b.append(".v-").append(v.label()).append("{background:").append(color(v)).append("}\n");
    }
    b.append(".v-other{background:").append(Verdicts.OTHER_COLOR).append("}\n");
    b.append(".chg-new{color:#0277bd}.chg-gone{color:#6d4c41}.chg-changed{color:#c62828;font-weight:600}\n");
    return b.toString();
  }

  private static String color(Verdict v) {
    return Verdicts.color(v);
  }

  private static final String STYLE = css();

  private static final String SCRIPT = """

      (function () {
        'use strict';
        var table = document.getElementById('modules-table');
        if (!table) { return; }
        var body = table.tBodies[0];
        var heads = table.tHead.rows[0].cells;
        var filter = document.getElementById('filter');
        var verdict = document.getElementById('verdict');
        var shown = document.getElementById('shown');
        var state = { col: null, desc: false };
        function colIndex(name) {
          for (var i = 0; i < heads.length; i++) {
            if (heads[i].getAttribute('data-col') === name) { return i; }
          }
          return -1;
        }
        function key(row, i, num) {
          var c = row.cells[i];
          var v = c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent;
          return num ? Number(v) : v.toLowerCase();
        }
        function sortBy(name, desc) {
          var i = colIndex(name);
          if (i < 0) { return; }
          var num = heads[i].getAttribute('data-type') === 'num';
          var rows = Array.prototype.slice.call(body.rows);
          var order = rows.map(function (r, n) { return { row: r, n: n, k: key(r, i, num) }; });
          order.sort(function (a, b) {
            var c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
            return (desc ? -c : c) || a.n - b.n;
          });
          order.forEach(function (o) { body.appendChild(o.row); });
          for (var j = 0; j < heads.length; j++) { heads[j].removeAttribute('aria-sort'); }
          heads[i].setAttribute('aria-sort', desc ? 'descending' : 'ascending');
          state.col = name;
          state.desc = desc;
        }
        function applyFilter() {
          var q = filter.value.trim().toLowerCase();
          var v = verdict.value;
          var n = 0;
          for (var i = 0; i < body.rows.length; i++) {
            var r = body.rows[i];
            var show = (!v || r.getAttribute('data-verdict') === v)
                && (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
            r.hidden = !show;
            if (show) { n++; }
          }
          shown.textContent = n + ' of ' + body.rows.length + ' modules';
        }
        function writeHash() {
          var parts = [];
          if (state.col) { parts.push('sort=' + (state.desc ? '-' : '') + state.col); }
          if (filter.value) { parts.push('q=' + encodeURIComponent(filter.value)); }
          if (verdict.value) { parts.push('verdict=' + encodeURIComponent(verdict.value)); }
          try {
            history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
          } catch (e) { /* a file: page may refuse; the fragment is a convenience */ }
        }
        function readHash() {
          location.hash.replace(/^#/, '').split('&').forEach(function (p) {
            var eq = p.indexOf('=');
            if (eq < 0) { return; }
            var k = p.slice(0, eq);
            var val;
            try { val = decodeURIComponent(p.slice(eq + 1)); } catch (e) { return; }
            if (k === 'sort') {
              var desc = val.charAt(0) === '-';
              sortBy(desc ? val.slice(1) : val, desc);
            } else if (k === 'q') {
              filter.value = val;
            } else if (k === 'verdict') {
              verdict.value = val;
            }
          });
        }
        Array.prototype.forEach.call(heads, function (th) {
          var name = th.getAttribute('data-col');
          if (!name) { return; }
          function activate() {
            sortBy(name, state.col === name ? !state.desc : false);
            writeHash();
          }
          th.addEventListener('click', activate);
          th.addEventListener('keydown', function (e) {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); activate(); }
          });
        });
        filter.addEventListener('input', function () { applyFilter(); writeHash(); });
        verdict.addEventListener('change', function () { applyFilter(); writeHash(); });
        readHash();
        applyFilter();
        table.setAttribute('data-ready', 'true');
      })();
      """;

  private static final String STYLE_HASH = sha256(STYLE);
  private static final String SCRIPT_HASH = sha256(SCRIPT);

  /** A CSP source expression for an inline element's exact text. */
  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
