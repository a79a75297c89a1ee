package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-running into an existing OUT replaces it whole; a run that dies before the end leaves the old one. */
class OutputReplacementTest {
  @TempDir Path tmp;

  static ScanConfig config(Path out) {
    return ScanFixtures.config(List.of(Fixtures.path("hostile/huge-declared.tar").toString()), out);
  }

  static List<String> siblings(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aStaleFileInAnExistingOutIsGoneAfterTheRun() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("blobs/modules/old"));
    Files.writeString(out.resolve(".btf-scan-output"), "an earlier run's OUT\n");
    Files.writeString(out.resolve("stale.txt"), "from an earlier run");
    Files.writeString(out.resolve("blobs/modules/old/x.btf"), "old blob");
    Files.writeString(out.resolve(ScanPipeline.MODULES), "{\"stale\":true}\n");

    assertEquals(0, ScanFixtures.run(config(out), 1).exitCode());

    assertFalse(Files.exists(out.resolve("stale.txt")));
    assertFalse(Files.exists(out.resolve("blobs/modules/old")));
    assertEquals(2, ScanFixtures.lines(out, ScanPipeline.MODULES).size());
    assertTrue(Files.isRegularFile(out.resolve(ScanPipeline.SUMMARY)));
    assertEquals(List.of("out"), siblings(out), "no staging or old copy left next to OUT");
  }

  @Test
  void aRunThatDiesAfterWritingItsStagingLeavesTheOldOutIntact() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve(ScanPipeline.MODULES), "{\"old\":true}\n");
    Files.writeString(out.resolve(ScanPipeline.SUMMARY), "{\"old\":true}\n");

    PipelineOptions options = ScanFixtures.testOptions(1);
    options.setRunner(DiesAfterRunning.class);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    RuntimeException e = assertThrows(RuntimeException.class, () -> ScanPipeline.run(config(out), options, ps, ps));
    assertEquals("injected: the worker died", e.getMessage());

    assertEquals(List.of("{\"old\":true}"), ScanFixtures.lines(out, ScanPipeline.MODULES));
    assertEquals(List.of("{\"old\":true}"), ScanFixtures.lines(out, ScanPipeline.SUMMARY));
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(2, s.count(), "nothing of the dead run inside OUT");
    }
    assertEquals(List.of("out"), siblings(out), "the dead run's staging directory is removed");
  }

  /**
   * {@code --output pkgs pkgs}, or an OUT that holds someone's files: replacing OUT would delete
   * them. Refused before any work, every file left where it was.
   */
  @Test
  void aScanIntoAnInputDirectoryThatIsNoOutIsRefusedAndDeletesNothing() throws Exception {
    Path pkgs = Files.createDirectories(tmp.resolve("pkgs"));
    Files.copy(Fixtures.path("hostile/huge-declared.tar"), pkgs.resolve("huge-declared.tar"));
    Files.writeString(pkgs.resolve("notes.txt"), "mine");
    ScanConfig intoInput = ScanFixtures.config(List.of(pkgs.toString()), pkgs);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> ScanFixtures.run(intoInput, 1));
    assertTrue(e.getMessage().contains("lies inside OUT"), e.getMessage());
    ScanConfig intoUserFiles = ScanFixtures.config(List.of(Fixtures.path("hostile/huge-declared.tar").toString()), pkgs);
    e = assertThrows(java.io.IOException.class, () -> ScanFixtures.run(intoUserFiles, 1));
    assertTrue(e.getMessage().startsWith("output directory " + pkgs + " exists and is not a btf-scan output"), e.getMessage());
    try (Stream<Path> s = Files.list(pkgs)) {
      assertEquals(List.of("huge-declared.tar", "notes.txt"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(List.of("pkgs"), siblings(pkgs), "no staging directory");
  }

  /** Packages kept inside an earlier OUT would be read, then deleted with it: refused. */
  @Test
  void anInputInsideOutIsRefusedAndDeletesNothing() throws Exception {
    Path out = tmp.resolve("earlier-out");
    ScanFixtures.run(config(out), 1);
    Path kept = Files.createDirectories(out.resolve("kept"));
    Files.copy(Fixtures.path("hostile/huge-declared.tar"), kept.resolve("huge-declared.tar"));
    ScanConfig c = ScanFixtures.config(List.of(kept.resolve("huge-declared.tar").toString()), out);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> ScanFixtures.run(c, 1));
    assertTrue(e.getMessage().contains("lies inside OUT"), e.getMessage());
    assertTrue(Files.exists(kept.resolve("huge-declared.tar")));
  }

  /** Runs the pipeline to the end on the DirectRunner, then fails as a crashed job would. */
  public static final class DiesAfterRunning extends PipelineRunner<PipelineResult> {
    private final DirectRunner direct;

    private DiesAfterRunning(DirectRunner direct) {
      this.direct = direct;
    }

    public static DiesAfterRunning fromOptions(PipelineOptions options) {
      return new DiesAfterRunning(DirectRunner.fromOptions(options));
    }

    @Override
    public PipelineResult run(Pipeline pipeline) {
      direct.run(pipeline).waitUntilFinish();
      throw new IllegalStateException("injected: the worker died");
    }
  }
}
