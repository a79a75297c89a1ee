package dev.btfscan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static final String PAGE = HtmlReport.render(ReportSamples.scan(), null, null);

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aModuleNamedLikeAScriptTagAppearsEscapedAndNeverAsMarkup() {
    assertTrue(PAGE.contains("&lt;script&gt;alert(1)&lt;/script&gt;.ko"), "the name, escaped");
    assertFalse(PAGE.contains("<script>alert(1)"));
    assertEquals(1, count(PAGE, "<script"), "only the page's own script");
    assertFalse(PAGE.contains("<img"), "a type name from a reference is escaped too");
    assertTrue(PAGE.contains("kfree_skb&lt;img src=x onerror=alert(2)&gt;"));
    assertFalse(PAGE.contains("<b>bad</b>"), "problems are escaped");
    assertTrue(PAGE.contains("&lt;b&gt;bad&lt;/b&gt; magic 0x&quot;eb9f&quot; &amp; &#39;more&#39;"));
  }

  @Test
  void escapeCoversTextAndBothAttributeQuotesAndDropsControlCharacters() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;", HtmlReport.escape("<a href=\"x\" title='y'>&amp;</a>"));
    assertEquals("a\uFFFDb", HtmlReport.escape("a\u0000b"));
    assertEquals("", HtmlReport.escape(null));
  }

  @Test
  void thePageFetchesNothingAndItsPolicyAllowsOnlyItsOwnStyleAndScript() throws Exception {
    String withoutSvgNamespace = PAGE.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(withoutSvgNamespace.contains("http:"));
    assertFalse(withoutSvgNamespace.contains("https:"));
    assertFalse(PAGE.contains("<link"));
    assertFalse(PAGE.contains(" src=\""));
    assertFalse(PAGE.contains("@import"));
    Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").matcher(PAGE);
    assertTrue(csp.find());
    String policy = csp.group(1);
    assertTrue(policy.startsWith("default-src 'none';"), policy);
    assertTrue(policy.contains("script-src '" + sha256(between(PAGE, "<script>", "</script>")) + "'"), policy);
    assertTrue(policy.contains("style-src '" + sha256(between(PAGE, "<style>", "</style>")) + "'"), policy);
  }

  @Test
  void theChartHasOneStackedBarPerPackageIncludingAPackageWithoutModules() {
    String svg = between(PAGE, "<svg id=\"verdict-chart\"", "</svg>");
    assertEquals(4, count(svg, "<g class=\"bar\""), "3 packages with modules + kernel-only.tar");
    assertTrue(svg.contains("data-package=\"kernel-only.tar\" data-total=\"0\""));
    assertTrue(svg.contains("data-package=\"linux-image-6.1.0-53_amd64.deb\" data-total=\"3\""));
    // The largest package (4th, after evil.tar) spans the full bar width: ok 2 of 3, remapped 1 of 3.
    assertTrue(svg.contains("data-verdict=\"ok\" x=\"380\" y=\"" + (HtmlReport.LEGEND_HEIGHT + 3 * HtmlReport.ROW_HEIGHT + 2)
        + "\" width=\"347\""), svg);
    assertTrue(svg.contains("data-verdict=\"remapped\" x=\"727\""), svg);
    assertEquals(4, count(svg, "<rect class=\"seg\""), "one segment per (package, verdict) present");
  }

  @Test
  void longPackageNamesInTheChartKeepTheirStartAndEnd() {
    String name = "linux-image-6.1.0-47-cloud-amd64-unsigned_6.1.170-3_amd64.deb";
    String label = HtmlReport.shorten(name);
    assertEquals(HtmlReport.LABEL_CHARS, label.length());
    assertTrue(label.startsWith("linux-image-6.1.0-47-") && label.endsWith("6.1.170-3_amd64.deb"), label);
    assertEquals("short.deb", HtmlReport.shorten("short.deb"));
  }

  @Test
  void totalsArePerVerdictPerPackageAndPerRelease() {
    assertTrue(PAGE.contains("5 modules in 4 packages, 1 kernel image, 2 releases."), PAGE);
    String verdicts = between(PAGE, "<section id=\"verdicts\">", "</section>");
    assertTrue(verdicts.contains("<span class=\"v v-ok\">ok</span></td><td class=\"n\">2</td>"));
    assertTrue(verdicts.contains("<span class=\"v v-mismatch\">mismatch</span></td><td class=\"n\">1</td>"));
    // Verdict order follows the enum: ok, remapped, mismatch, invalid.
    assertTrue(verdicts.indexOf("v-ok") < verdicts.indexOf("v-remapped"));
    assertTrue(verdicts.indexOf("v-mismatch") < verdicts.indexOf("v-invalid"));
    String packages = between(PAGE, "<section id=\"packages\">", "</section>");
    assertTrue(packages.contains("<tr><td>linux-image-6.1.0-53_amd64.deb</td><td class=\"n\">3</td><td class=\"n\">2</td>"
        + "<td class=\"n\">1</td><td class=\"n zero\">0</td><td class=\"n zero\">0</td></tr>"), packages);
    String releases = between(PAGE, "<section id=\"releases\">", "</section>");
    assertTrue(releases.contains("<tr><td>6.1.0-47</td><td class=\"n\">1</td>"), releases);
  }

  @Test
  void everyModuleHasOneRowWithItsProblemsBuildAndAffectedReferences() {
    String table = between(PAGE, "<table class=\"list\" id=\"modules-table\">", "</table>");
    assertEquals(5, count(table, "<tr data-verdict="));
    String row = rowOf(table, "nf_dup");
    assertTrue(row.contains("built against another base: 1 reference changed, 1 gone"));
    assertTrue(row.contains("no scanned kernel"));
    assertTrue(row.contains("built on 6.1.0-47-cloud-amd64"));
    assertTrue(row.contains("<span class=\"ref-changed\">1 changed</span>"));
    assertTrue(row.contains("<span class=\"ref-unchanged\">40 unchanged</span>"));
    assertTrue(row.contains("<code>[4711] STRUCT &#39;sk_buff&#39;</code> <b>changed</b> to [4712]: size 232 -&gt; 240"));
    assertTrue(row.contains("(used by <code>struct foo.member bar</code>)"));
    assertTrue(row.contains("<summary>2 affected references</summary>"));
    assertTrue(rowOf(table, "af_key").contains("<td>6.1.0-53</td><td>linux-image-6.1.0-53_amd64.deb</td>"));
  }

  @Test
  void aModuleWithManyAffectedReferencesListsTheFirstTenAndPointsAtTheRest() {
    ObjectNode row = ReportSamples.module("k.deb", "lib/modules/r/m.ko", "m", "r", "mismatch");
    ObjectNode why = ReportSamples.mismatch(row);
    com.fasterxml.jackson.databind.node.ArrayNode affected = why.with("references").putArray("affected");
    for (int i = 0; i < 25; i++) {
      ObjectNode a = affected.addObject();
      a.put("id", 1000 + i);
      a.put("type", "STRUCT 's" + i + "'");
      a.put("status", "gone");
    }
    String page = HtmlReport.render(new ScanRows(List.of(row), List.of(why), List.of(), List.of()), null, null);
    assertTrue(page.contains("<summary>25 affected references</summary>"));
    assertEquals(HtmlReport.AFFECTED_SHOWN, count(page, "</code> <b>gone</b>"));
    assertTrue(page.contains("[1009] STRUCT &#39;s9&#39;") && !page.contains("[1010]"));
    assertTrue(page.contains("<li>and 15 more in mismatches.jsonl</li>"));
  }

  @Test
  void theTableOffersEverySortableColumnAndAVerdictFilterOfThePresentVerdicts() {
    for (String c : HtmlReport.COLUMNS) {
      assertTrue(PAGE.contains("<th data-col=\"" + c + "\""), c);
    }
    assertTrue(PAGE.contains("data-col=\"types\" data-type=\"num\""));
    String select = between(PAGE, "<select id=\"verdict\">", "</select>");
    assertEquals("<option value=\"\">all</option><option value=\"ok\">ok</option><option value=\"remapped\">remapped</option>"
        + "<option value=\"mismatch\">mismatch</option><option value=\"invalid\">invalid</option>", select);
  }

  @Test
  void theSameRowsGiveTheSameBytes() {
    assertEquals(PAGE, HtmlReport.render(ReportSamples.scan(), null, null));
  }

  @Test
  void aBaselineAddsItsSectionWithCountsTransitionsAndChangedModules() {
    ScanRows now = ReportSamples.scan();
    List<ObjectNode> old = ReportSamples.baselineOf(now, true);
    String page = HtmlReport.render(now, BaselineDiff.compare(old, now.modules()), "/old/<out>");
    String section = between(page, "<section id=\"baseline\">", "</section>");
    assertTrue(section.contains("<code>/old/&lt;out&gt;</code>"));
    assertTrue(section.contains("1 new</span>, <span class=\"chg-gone\">0 gone</span>, <span class=\"chg-changed\">1 changed</span>, "
        + "<span class=\"chg-same\">3 same"), section);
    assertTrue(section.contains("<td>ok -&gt; mismatch</td><td class=\"n\">1</td>"));
    int changed = section.indexOf("<tr><td>changed</td><td>nf_dup</td>");
    int added = section.indexOf("<tr><td>new</td><td>demo</td>");
    assertTrue(changed >= 0 && added > changed, "verdict changes listed first: " + section);
    assertFalse(section.contains("<td>same</td>"), "unchanged modules are counted, not listed");
    assertFalse(PAGE.contains("id=\"baseline\""));
  }

  static String rowOf(String table, String module) {
    int at = table.indexOf("<td data-sort=\"" + module + "\">");
    assertTrue(at >= 0, module);
    return table.substring(table.lastIndexOf("<tr", at), table.indexOf("</tr>", at));
  }

  static String between(String s, String from, String to) {
    int a = s.indexOf(from);
    assertTrue(a >= 0, from);
    int b = s.indexOf(to, a + from.length());
    assertTrue(b >= 0, to);
    return s.substring(a + from.length(), b);
  }

  static String sha256(String text) throws Exception {
    return "sha256-" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
