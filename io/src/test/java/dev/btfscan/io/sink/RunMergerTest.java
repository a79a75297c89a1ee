package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMergerTest {
  @TempDir Path dir;

  private String run(String name, List<String> lines) throws IOException {
    String path = dir.resolve(name).toString();
    SortedRun.write(path, lines);
    return path;
  }

  @Test
  void mergesMoreRunsThanItOpensAtOnceInLevels() throws IOException {
    List<String> runs = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (int r = 0; r < 9; r++) {
      List<String> lines = new ArrayList<>();
      for (int i = r; i < 90; i += 9) {
        lines.add(String.format("line %03d", i));
      }
      all.addAll(lines);
      runs.add(run("r" + r + ".run", lines));
    }
    Path out = dir.resolve("out.txt");
    new RunMerger(Comparator.naturalOrder(), dir + "/", 2).merge(runs, out.toString());
    all.sort(Comparator.naturalOrder());
    assertEquals(all, Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  @Test
  void aLineMayHoldAnyCharacterInARun() throws IOException {
    String odd = "tab\tnul\0 é 😀";
    String path = run("odd.run", List.of(odd, ""));
    try (SortedRun.Reader r = new SortedRun.Reader(path)) {
      assertEquals(odd, r.next());
      assertEquals("", r.next());
      assertEquals(null, r.next());
    }
  }

  @Test
  void aRunOutOfOrderFailsTheMergeInsteadOfWritingAnUnsortedFile() throws IOException {
    String bad = run("bad.run", List.of("b", "a"));
    IOException e = assertThrows(IOException.class,
        () -> new RunMerger(Comparator.naturalOrder(), dir + "/").merge(List.of(bad), dir.resolve("o").toString()));
    assertTrue(e.getMessage().contains("out of order"), e.getMessage());
  }

  @Test
  void aTruncatedRunFailsTheMerge() throws IOException {
    String path = run("t.run", List.of("a long enough line"));
    byte[] bytes = Files.readAllBytes(Path.of(path));
    Files.write(Path.of(path), java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(IOException.class,
        () -> new RunMerger(Comparator.naturalOrder(), dir + "/").merge(List.of(path), dir.resolve("o").toString()));
  }
}
