package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.pkg.TreeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {
  @TempDir
  Path dir;

  private List<String> siblings() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void nothingAppearsAtTheTargetUntilCommit() throws IOException {
    Path out = dir.resolve("out");
    OutputDirectory o = OutputDirectory.prepare(out);
    Files.writeString(o.resolve("report.jsonl"), "{}\n");
    assertFalse(Files.exists(out));
    assertTrue(o.staging().getFileName().toString().startsWith(".out.staging-"));
    assertEquals(o.staging().getParent(), out.getParent());
    o.commit();
    assertEquals("{}\n", Files.readString(out.resolve("report.jsonl")));
    assertEquals(List.of("out"), siblings());
  }

  /** An earlier scan's OUT, as committed: marked, with whatever it held. */
  private static Path earlierOut(Path out) throws IOException {
    Files.createDirectories(out.resolve("blobs"));
    Files.writeString(out.resolve(TreeSource.OWN_OUTPUT_MARKER), OutputDirectory.MARKER_TEXT);
    return out;
  }

  @Test
  void aCommittedOutIsMarkedAsABtfScanOutput() throws IOException {
    OutputDirectory o = OutputDirectory.prepare(dir.resolve("out"));
    o.commit();
    assertEquals(OutputDirectory.MARKER_TEXT, Files.readString(dir.resolve("out").resolve(TreeSource.OWN_OUTPUT_MARKER)));
  }

  @Test
  void commitReplacesAnOlderReportWhole() throws IOException {
    Path out = earlierOut(dir.resolve("out"));
    Files.writeString(out.resolve("stale.txt"), "old");
    OutputDirectory o = OutputDirectory.prepare(out);
    Files.writeString(o.resolve("report.jsonl"), "new\n", StandardCharsets.UTF_8);
    o.commit();
    assertFalse(Files.exists(out.resolve("stale.txt")));
    assertEquals("new\n", Files.readString(out.resolve("report.jsonl")));
    assertEquals(List.of("out"), siblings());
  }

  @Test
  void anInterruptedRunLeavesTheOldOutputAndOnlyAHiddenStagingDir() throws IOException {
    Path out = earlierOut(dir.resolve("out"));
    Files.writeString(out.resolve("report.jsonl"), "old\n");
    OutputDirectory o = OutputDirectory.prepare(out);
    Files.writeString(o.resolve("report.jsonl"), "half");
    // no commit: the run died
    assertEquals("old\n", Files.readString(out.resolve("report.jsonl")));
    assertTrue(siblings().stream().allMatch(n -> n.equals("out") || n.startsWith(".out.staging-")), siblings().toString());
  }

  @Test
  void abortDeletesTheStagingTree() throws IOException {
    OutputDirectory o = OutputDirectory.prepare(dir.resolve("out"));
    Files.createDirectories(o.resolve("blobs/6.1/x"));
    Files.writeString(o.resolve("blobs/6.1/x/a.blob"), "x");
    o.abort();
    assertEquals(List.of(), siblings());
    IllegalStateException e = assertThrows(IllegalStateException.class, o::commit);
    assertTrue(e.getMessage().endsWith("was already committed or aborted"), e.getMessage());
  }

  @Test
  void resolveRejectsEscapes() throws IOException {
    OutputDirectory o = OutputDirectory.prepare(dir.resolve("out"));
    for (String bad : new String[] {"../x", "/etc/passwd", "", "a/../../x", "."}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.resolve(bad));
      assertEquals("not a relative path inside the output directory: " + bad, e.getMessage());
    }
  }

  @Test
  void refusesAFileAsTarget() throws IOException {
    Path file = dir.resolve("out");
    Files.writeString(file, "x");
    IOException e = assertThrows(IOException.class, () -> OutputDirectory.prepare(file));
    assertEquals("output path exists and is not a directory: " + file, e.getMessage());
  }

  /**
   * A scan replaces OUT whole, deleting what was there: a directory that is no scan output (the
   * inputs themselves, a home directory) is refused before anything is written, its files kept.
   */
  @Test
  void aDirectoryThatIsNoScanOutputIsNeverReplaced() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home/precious"));
    Files.writeString(home.resolve("thesis.txt"), "years of work");
    Files.writeString(dir.resolve("home/modules.jsonl"), "{}"); // a stray report alone does not make an OUT
    Files.writeString(dir.resolve("home/summary.json"), "{}");
    IOException e = assertThrows(IOException.class, () -> OutputDirectory.prepare(dir.resolve("home")));
    assertTrue(e.getMessage().contains("exists and is not a btf-scan output (no .btf-scan-output in it)"), e.getMessage());
    assertEquals("years of work", Files.readString(home.resolve("thesis.txt")));
    assertEquals(List.of("home"), siblings(), "no staging directory either");
  }

  @Test
  void anEmptyDirectoryAndAnOutWrittenBeforeTheMarkerAreReplaced() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    OutputDirectory.prepare(empty).commit();
    assertTrue(Files.exists(empty.resolve(TreeSource.OWN_OUTPUT_MARKER)));

    Path legacy = Files.createDirectories(dir.resolve("legacy/blobs"));
    for (String f : List.of("modules.jsonl", "summary.json", "kernels.jsonl", "report.html")) {
      Files.writeString(legacy.resolveSibling(f), "old");
    }
    OutputDirectory o = OutputDirectory.prepare(legacy.getParent());
    o.commit();
    assertFalse(Files.exists(legacy.resolveSibling("report.html")));
  }
}
