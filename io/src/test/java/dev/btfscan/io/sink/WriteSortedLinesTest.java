package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteSortedLinesTest {
  @TempDir
  Path dir;

  private static void run(List<String> lines, Path out, int parallelism) {
    run(lines, out, parallelism, WriteSortedLines.RUN_CHARS);
  }

  private static void run(List<String> lines, Path out, int parallelism, long runChars) {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(parallelism);
    Pipeline p = Pipeline.create(options);
    PCollection<String> written = p.apply(Create.of(lines).withCoder(StringUtf8Coder.of()))
        .apply(WriteSortedLines.to(out.toString()).withSortKey(line -> line.substring(line.indexOf('"') + 1))
            .withRunChars(runChars));
    PAssert.that(written).containsInAnyOrder(out.toString());
    p.run().waitUntilFinish();
  }

  @Test
  void writesTheSameBytesWhateverTheOrderAndParallelism() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      lines.add("{\"m\":\"module-" + (i * 7919 % 2000) + "\"}");
    }
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    run(lines, a, 1);
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new Random(5));
    run(shuffled, b, 4);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    List<String> written = Files.readAllLines(a, StandardCharsets.UTF_8);
    List<String> sorted = new ArrayList<>(lines);
    Collections.sort(sorted);
    assertEquals(sorted, written);
  }

  @Test
  void sortsByTheKeyThenByTheLine() throws IOException {
    Path out = dir.resolve("k.jsonl");
    run(List.of("z\"b", "a\"b", "m\"a"), out, 2);
    assertEquals(List.of("m\"a", "a\"b", "z\"b"), Files.readAllLines(out));
  }

  @Test
  void writesAnEmptyFileForNoLines() throws IOException {
    Path out = dir.resolve("empty.jsonl");
    run(List.of(), out, 2);
    assertEquals(0, Files.size(out));
  }

  /**
   * One run per line: 3000 runs, more than the merger opens at once, so they merge in two levels.
   * Same bytes as one run per bundle; the runs stay until the caller deletes them.
   */
  @Test
  void spillingEveryLineGivesTheSameBytesAndTheRunsStayUntilDeleted() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      lines.add("{\"m\":\"module-" + (i * 7919 % 1500) + "\",\"n\":\"é" + i % 7 + "\"}");
    }
    Path whole = dir.resolve("whole").resolve("m.jsonl");
    Path spilled = dir.resolve("spilled").resolve("m.jsonl");
    run(lines, whole, 2);
    run(lines, spilled, 2, 1);
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(spilled));
    assertEquals(3000, Files.readAllLines(spilled, StandardCharsets.UTF_8).size());
    Path runs = spilled.resolveSibling(".m.jsonl.runs");
    try (var kept = Files.list(runs)) {
      assertTrue(kept.count() >= 3000, "every bundle's run is still there for a merge run again");
    }
    try (var files = Files.walk(runs)) { // what the scan's driver does, through OutputDirectory
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    try (var left = Files.list(spilled.getParent())) {
      assertEquals(List.of(spilled), left.toList());
    }
  }

  /**
   * A runner may run the merge again after it finished (a lost worker, a retried stage): it finds
   * the same runs and writes the same file, instead of failing the job for runs it deleted.
   */
  @Test
  void aMergeRunAgainWritesTheSameFileFromTheSameRuns() throws IOException {
    Path out = dir.resolve("again").resolve("m.jsonl");
    String runs = WriteSortedLines.runsDirectory(out.toString());
    RunSpiller spiller = WriteSortedLines.to(out.toString()).runSpiller();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      paths.add(spiller.spill(new ArrayList<>(List.of("b" + i, "a" + (i * 37 % 100)))));
    }
    WriteSortedLines.MergeFn merge = new WriteSortedLines.MergeFn(out.toString(), runs, line -> line);
    List<String> written = new ArrayList<>();
    DoFn.OutputReceiver<String> receiver = new DoFn.OutputReceiver<>() {
      @Override
      public void output(String path) {
        written.add(path);
      }

      @Override
      public void outputWithTimestamp(String path, org.joda.time.Instant timestamp) {
        written.add(path);
      }
    };
    merge.process(paths, receiver);
    byte[] first = Files.readAllBytes(out);
    Files.writeString(out, "half a file from an attempt that died\n");
    merge.process(paths, receiver);
    assertArrayEquals(first, Files.readAllBytes(out));
    assertEquals(List.of(out.toString(), out.toString()), written);
    assertEquals(200, Files.readAllLines(out).size());
  }
}
