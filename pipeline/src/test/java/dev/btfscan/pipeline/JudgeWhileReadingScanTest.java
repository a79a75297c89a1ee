package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import dev.btfscan.transforms.AnalyzeModuleFn;
import dev.btfscan.transforms.JudgeWhileReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package that carries its release's vmlinux ahead of its modules has them judged while it is
 * read, and that never shows in the output: every report and blob is byte for byte what the scan
 * writes when every module waits for the vmlinux side input. Only what the package alone decides is
 * judged in the reader (modules read before the vmlinux at the package's end); modules of a release
 * the package has no vmlinux for, and modules built on another vmlinux (attributed and rebased
 * across all inputs) wait.
 */
class JudgeWhileReadingScanTest {
  private static final String R53 = "6.1.0-53-cloud-amd64";
  private static final String R47 = "6.1.0-47-cloud-amd64";

  @TempDir static Path tmp;
  static List<String> inputs;

  @BeforeAll
  static void packages() throws IOException {
    byte[] vmlinux53 = ScanFixtures.unxz("kernels/" + R53 + ".btf.xz");
    Map<String, byte[]> mixed = new LinkedHashMap<>(); // archive order matters here
    mixed.put("lib/modules/" + R53 + "/kernel/early/zsmalloc.ko", fixture("modules/" + R53 + "/zsmalloc.ko"));
    mixed.put("boot/vmlinux-" + R53 + ".btf", vmlinux53);
    mixed.put("lib/modules/" + R53 + "/kernel/net/key/af_key.ko", fixture("modules/" + R53 + "/af_key.ko"));
    mixed.put("lib/modules/" + R53 + "/kernel/net/key/af_key_xz.ko.xz", fixture("modules/" + R53 + "/af_key.ko.xz"));
    mixed.put("lib/modules/" + R53 + "/extra/btfscan_demo-standalone.ko", fixture("oot/btfscan_demo-standalone.ko"));
    mixed.put("lib/modules/" + R53 + "/extra/btfscan_demo-distilled.ko", fixture("oot/btfscan_demo-distilled.ko"));
    mixed.put("lib/modules/" + R53 + "/extra/btfscan_demo-nobtf.ko", fixture("oot/btfscan_demo-nobtf.ko"));
    mixed.put("lib/modules/" + R53 + "/extra/broken.ko", "\u007fELF but nothing after".getBytes(StandardCharsets.US_ASCII));
    mixed.put("lib/modules/" + R53 + "/extra/btfscan_demo-split47.ko", fixture("oot/btfscan_demo-split47.ko"));
    mixed.put("lib/modules/" + R53 + "/kernel/net/key/af_key_from_47.ko", fixture("modules/" + R47 + "/af_key.ko"));
    mixed.put("lib/modules/" + R47 + "/kernel/net/key/af_key.ko", fixture("modules/" + R47 + "/af_key.ko"));
    inputs = new ArrayList<>();
    inputs.add(tar("mixed.tar", mixed).toString());
    Map<String, byte[]> kernelLast = new LinkedHashMap<>(); // as Fedora's kernel-core orders them
    kernelLast.put("lib/modules/" + R53 + "/kernel/mm/zsmalloc.ko", fixture("modules/" + R53 + "/zsmalloc.ko"));
    kernelLast.put("lib/modules/" + R53 + "/kernel/net/key/af_key.ko.zst", fixture("modules/" + R53 + "/af_key.ko.zst"));
    kernelLast.put("lib/modules/" + R53 + "/vmlinux.btf", vmlinux53);
    inputs.add(tar("kernel-last.tar", kernelLast).toString());
    inputs.add(tar("kernel-47.tar", Map.of("boot/vmlinux-" + R47 + ".btf", ScanFixtures.unxz("kernels/" + R47 + ".btf.xz"))).toString());
    // The same release's vmlinux in another package: mixed.tar's modules still use mixed.tar's own.
    inputs.add(tar("another-53.tar", Map.of("boot/vmlinux-" + R53 + ".btf", vmlinux53)).toString());
    inputs.addAll(ScanFixtures.packages());
    inputs.addAll(HostileInputTest.hostilePackages());
  }

  @Test
  void everyOutputIsByteIdenticalToTheScanWhereEveryModuleWaits() throws IOException {
    Path early = scan("judged-in-reader", true);
    Path late = scan("all-wait", false);
    TreeSet<String> files = files(late);
    assertEquals(files, files(early), "the same files under OUT");
    assertTrue(files.contains("modules.jsonl") && files.size() > 20, files.toString());
    for (String f : files) {
      assertArrayEquals(Files.readAllBytes(late.resolve(f)), Files.readAllBytes(early.resolve(f)), f);
    }
  }

  @Test
  void onlyWhatThePackageAloneDecidesIsJudgedInTheReader() throws IOException {
    Path staging = Files.createDirectories(tmp.resolve("metrics"));
    Pipeline p = Pipeline.create(ScanFixtures.testOptions(2));
    ScanPipeline.build(p, ScanFixtures.config(inputs.subList(0, 4), staging), null, staging.toString(), true);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // mixed.tar: af_key.ko, af_key_xz.ko.xz, standalone (renumbered on the package's vmlinux),
    // distilled (relocated onto it), nobtf, broken, and zsmalloc (read before the vmlinux, judged
    // at the end): 7. split47 and af_key_from_47 were built on 47 (attribution and rebasing look at
    // every input); the 47 module's vmlinux is in another package. kernel-last.tar: both, at its end.
    assertEquals(7 + 2, counter(result, "modules-judged-in-reader"));
    // The others waited for every package's vmlinux with their bytes on disk (the scan deletes
    // the scratch at its end; this pipeline alone does not).
    long waiting = counter(result, AnalyzeModuleFn.class, "modules-waiting-on-disk");
    assertTrue(waiting >= 2, "split47 and af_key_from_47 at least: " + waiting);
    try (var stored = Files.list(staging.resolve(AnalyzeModuleFn.WAITING_SCRATCH))) {
      assertEquals(waiting, stored.count());
    }

    Map<String, String> verdicts = new TreeMap<>();
    for (String line : Files.readAllLines(staging.resolve(ScanPipeline.MODULES), StandardCharsets.UTF_8)) {
      JsonNode row = Json.parse(line);
      if (row.path("package").asText().equals("mixed.tar")) {
        verdicts.put(row.path("path").asText().replaceAll(".*/", ""), row.path("verdict").asText()
            + (row.path("base").isObject() ? " on " + row.path("base").path("source").asText() : ""));
      }
    }
    String own = " on mixed.tar:boot/vmlinux-" + R53 + ".btf";
    Map<String, String> expected = new TreeMap<>(Map.of(
        "zsmalloc.ko", "ok" + own,
        "af_key.ko", "ok" + own,
        "af_key_xz.ko.xz", "ok" + own,
        "btfscan_demo-standalone.ko", "remapped" + own,
        "btfscan_demo-distilled.ko", "relocated" + own,
        "btfscan_demo-nobtf.ko", "no-btf" + own,
        "broken.ko", "invalid",
        "btfscan_demo-split47.ko", "relocated" + own,
        "af_key_from_47.ko", "relocated" + own));
    assertEquals(expected, verdicts);
  }

  private static long counter(PipelineResult result, String name) {
    return counter(result, JudgeWhileReading.class, name);
  }

  private static long counter(PipelineResult result, Class<?> namespace, String name) {
    long n = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getCounters()) {
      n += c.getAttempted();
    }
    return n;
  }

  private static Path scan(String name, boolean judgeInReader) throws IOException {
    Path out = tmp.resolve(name);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ScanPipeline.run(ScanFixtures.config(inputs, out), ScanFixtures.testOptions(2),
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), judgeInReader);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out;
  }

  private static byte[] fixture(String relative) throws IOException {
    return Files.readAllBytes(Fixtures.path(relative));
  }

  private static Path tar(String name, Map<String, byte[]> entries) throws IOException {
    Path p = tmp.resolve(name);
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(p))) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        out.putArchiveEntry(entry);
        out.write(e.getValue());
        out.closeArchiveEntry();
      }
    }
    return p;
  }

  private static TreeSet<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      TreeSet<String> out = new TreeSet<>();
      s.filter(Files::isRegularFile).forEach(f -> out.add(root.relativize(f).toString()));
      return out;
    }
  }
}
