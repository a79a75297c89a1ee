package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void commitReplacesAnOlderReportWhole() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("blobs"));
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
    Path out = dir.resolve("out");
    Files.createDirectories(out);
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
}
