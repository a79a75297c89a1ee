package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.report.BaselineDiff;
import dev.btfscan.report.HtmlReport;
import dev.btfscan.report.Json;
import dev.btfscan.report.ScanRows;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser (Debian's chromium, headless): the page's script runs under its
 * own Content-Security-Policy, the table sorts from the URL fragment and from header clicks, the
 * filters hide rows, the SVG chart renders, and a screenshot is left under target/ to look at.
 */
class ReportInBrowserTest {
  static final String HOSTILE = "<script>alert(1)</script>.ko";
  static final Path BUILD = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target");

  @TempDir static Path tmp;
  static Chromium chromium;
  static Path page;
  static ScanRows rows;

  @BeforeAll
  static void renderTheReport() throws Exception {
    chromium = Chromium.find(tmp).orElse(null);
    Assumptions.assumeTrue(chromium != null, "chromium is not installed (fixtures/scripts/install-tools.sh installs it)");
    rows = sampleScan();
    List<ObjectNode> old = new ArrayList<>();
    for (ObjectNode r : rows.modules()) {
      ObjectNode o = r.deepCopy();
      o.put("verdict", o.path("module").asText().startsWith("nf_") ? "ok" : o.path("verdict").asText());
      old.add(o);
    }
    Path dir = BUILD.resolve("report-browser");
    Files.createDirectories(dir);
    page = dir.resolve("report.html");
    Files.writeString(page, HtmlReport.render(rows, BaselineDiff.compare(old, rows.modules()), "previous-scan"),
        StandardCharsets.UTF_8);
  }

  /** 4 packages, 12 modules, every kind of cell: a mismatch with references and a hostile name. */
  static ScanRows sampleScan() {
    String[] verdicts = {"ok", "ok", "remapped", "relocated", "mismatch", "no-btf"};
    List<ObjectNode> modules = new ArrayList<>();
    List<ObjectNode> mismatches = new ArrayList<>();
    String[] names = {"af_key", "dm_zero", "zsmalloc", "async_xor", "nf_dup_netdev", "ip_vs_rr",
        "blake2b_generic", "xt_nat", "bpf_testmod", "crc32_generic", "nf_tables", HOSTILE};
    for (int i = 0; i < names.length; i++) {
      String release = i % 2 == 0 ? "6.1.0-53-cloud-amd64" : "6.1.0-47-cloud-amd64";
      String pkg = i < 5 ? "linux-image-" + release + "_amd64.deb" : i < 11 ? "linux-modules-extra.rpm" : "evil.tar";
      String verdict = i == 11 ? "invalid" : verdicts[i % verdicts.length];
      ObjectNode o = Json.object();
      o.put("package", pkg);
      o.put("path", "lib/modules/" + release + "/kernel/" + names[i]);
      o.put("module", names[i]);
      o.put("release", release);
      o.put("btf", verdict.equals("no-btf") ? "none" : "split");
      o.put("verdict", verdict);
      o.put("types", (i * 37) % 11 * 10 + i); // distinct, not in name order
      ObjectNode ba = o.putObject("built_against");
      ba.put("strings", 1691411);
      ba.put("release", release);
      o.putArray("problems").add(verdict.equals("ok") ? "" : "problem of " + names[i] + " <i>not markup</i>");
      if (verdict.equals("ok")) {
        o.putArray("problems");
      }
      o.putArray("notes");
      modules.add(o);
      if (verdict.equals("mismatch")) {
        ObjectNode m = o.deepCopy();
        ObjectNode refs = m.putObject("references");
        refs.put("built_on", "6.1.0-47-cloud-amd64");
        refs.put("unchanged", 120);
        refs.put("moved", 3);
        refs.put("changed", 1);
        refs.put("gone", 0);
        refs.put("wrong", 2);
        ObjectNode a = refs.putArray("affected").addObject();
        a.put("id", 4711);
        a.put("type", "STRUCT 'sk_buff'");
        a.put("status", "changed");
        a.put("detail", "size 232 -> 240");
        a.putArray("used_by").add("struct foo.member bar");
        mismatches.add(m);
      }
    }
    modules.sort(Comparator.comparing(r -> r.path("package").asText() + "\0" + r.path("path").asText()));
    return new ScanRows(modules, mismatches, List.of(), List.of());
  }

  static String url(String fragment) {
    return page.toUri() + (fragment.isEmpty() ? "" : "#" + fragment);
  }

  /** The module names of the table's rows, in DOM order, with whether each is hidden. */
  static List<String> rowOrder(String dom, boolean visibleOnly) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<tr data-verdict=\"[^\"]*\"( hidden=\"\")?><td data-sort=\"([^\"]*)\"").matcher(dom);
    while (m.find()) {
      if (!visibleOnly || m.group(1) == null) {
        out.add(m.group(2).replace("&lt;", "<").replace("&gt;", ">"));
      }
    }
    return out;
  }

  static List<String> namesSortedBy(Comparator<JsonNode> order) {
    return rows.modules().stream().sorted(order).map(r -> r.path("module").asText()).toList();
  }

  @Test
  void theScreenshotShowsTheChartInVerdictColours() throws Exception {
    Path png = BUILD.resolve("report.png");
    chromium.screenshot(url(""), png, 1280, 900);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1280, img.getWidth());
    long ok = 0;
    long mismatch = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        ok += rgb == 0x2e7d32 ? 1 : 0;
        mismatch += rgb == 0xd32f2f ? 1 : 0;
      }
    }
    // Bars are 16 px high; a segment of one module out of the largest package's 6 is ~87 px wide.
    assertTrue(ok > 16 * 80, "green (ok) pixels: " + ok);
    assertTrue(mismatch > 16 * 80, "red (mismatch) pixels: " + mismatch);
  }

  @Test
  void theScriptRunsUnderThePagePolicyAndTheChartHasOneBarPerPackage() throws Exception {
    String dom = chromium.dumpDom(url(""));
    assertTrue(dom.contains("id=\"modules-table\" data-ready=\"true\""), "the page script ran");
    assertEquals(4, count(dom, "<g class=\"bar\""), "two linux-image debs, the rpm, evil.tar");
    assertEquals(3 + 2 + 5 + 1, count(dom, "<rect class=\"seg\""), "one segment per (package, verdict)");
    assertEquals(12, rowOrder(dom, false).size());
    assertEquals(12, rowOrder(dom, true).size());
    assertTrue(dom.contains("<span id=\"shown\">12 of 12 modules</span>"));
  }

  @Test
  void aHostileModuleNameIsTextInTheBrowserNotAnElement() throws Exception {
    String dom = chromium.dumpDom(url(""));
    assertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;.ko"));
    assertEquals(1, count(dom, "<script"), "the page's own script only");
    assertFalse(dom.contains("<i>not markup</i>"));
  }

  @Test
  void aSortFragmentSortsTheTableByNameOrNumberBothWays() throws Exception {
    Comparator<JsonNode> byName = Comparator.comparing((JsonNode r) -> r.path("module").asText().toLowerCase());
    Comparator<JsonNode> byTypes = Comparator.comparingLong((JsonNode r) -> r.path("types").asLong());
    assertEquals(namesSortedBy(byName), rowOrder(chromium.dumpDom(url("sort=module")), false));
    assertEquals(namesSortedBy(byName.reversed()), rowOrder(chromium.dumpDom(url("sort=-module")), false));
    List<String> types = rowOrder(chromium.dumpDom(url("sort=types")), false);
    assertEquals(namesSortedBy(byTypes), types);
    assertTrue(chromium.dumpDom(url("sort=-types")).contains("aria-sort=\"descending\""));
    // Numbers sort as numbers, not text: "9" before "100".
    assertTrue(types.indexOf("af_key") < types.indexOf("async_xor"), types.toString());
  }

  @Test
  void clickingAHeaderSortsAscendingAndClickingAgainDescending() throws Exception {
    // A harness page frames the report and clicks the header as a person would.
    Path harness = page.resolveSibling("click-harness.html");
    Files.writeString(harness, """
        <!DOCTYPE html><html><body><pre id="result">pending</pre>
        <iframe id="f" src="report.html"></iframe>
        <script>
        document.getElementById('f').addEventListener('load', function () {
          var out = document.getElementById('result');
          try {
            var d = this.contentDocument;
            function order() {
              return Array.prototype.map.call(d.querySelectorAll('#modules-table tbody tr'),
                  function (r) { return r.cells[0].getAttribute('data-sort'); }).join('\\n');
            }
            var th = d.querySelector('th[data-col="release"]');
            th.click();
            var first = order() + '\\n--\\n' + th.getAttribute('aria-sort');
            th.click();
            out.textContent = first + '\\n==\\n' + order() + '\\n--\\n' + th.getAttribute('aria-sort');
          } catch (e) { out.textContent = 'error: ' + e; }
        });
        </script></body></html>
        """, StandardCharsets.UTF_8);
    String dom = chromium.dumpDom(harness.toUri().toString(), "--allow-file-access-from-files");
    Matcher m = Pattern.compile("<pre id=\"result\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    assertTrue(m.find(), dom);
    String result = m.group(1).replace("&lt;", "<").replace("&gt;", ">");
    assertFalse(result.startsWith("error") || result.equals("pending"), result);
    String[] clicks = result.split("\n==\n");
    Comparator<JsonNode> byRelease = Comparator.comparing((JsonNode r) -> r.path("release").asText());
    // Stable: rows of one release keep the order they had (the page's package/path order).
    assertEquals(String.join("\n", namesSortedBy(byRelease)) + "\n--\nascending", clicks[0]);
    List<String> desc = new ArrayList<>(rows.modules().stream().filter(r -> r.path("release").asText().endsWith("53-cloud-amd64"))
        .map(r -> r.path("module").asText()).toList());
    desc.addAll(rows.modules().stream().filter(r -> r.path("release").asText().endsWith("47-cloud-amd64"))
        .map(r -> r.path("module").asText()).toList());
    assertEquals(String.join("\n", desc) + "\n--\ndescending", clicks[1]);
  }

  @Test
  void theVerdictAndTextFiltersHideTheOtherRows() throws Exception {
    String dom = chromium.dumpDom(url("verdict=mismatch"));
    assertEquals(List.of("nf_dup_netdev", "nf_tables"), rowOrder(dom, true).stream().sorted().toList());
    assertTrue(dom.contains("<span id=\"shown\">2 of 12 modules</span>"), dom);
    dom = chromium.dumpDom(url("q=zsmalloc"));
    assertEquals(List.of("zsmalloc"), rowOrder(dom, true));
    dom = chromium.dumpDom(url("q=%3Cscript%3E&sort=module"));
    assertEquals(List.of(HOSTILE), rowOrder(dom, true));
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
