package dev.btfscan.io.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's sorter gives back every line in String order, however many runs it spilled. */
class LineSorterTest {
  @TempDir Path tmp;

  private static List<String> randomLines(int n, long seed) {
    Random r = new Random(seed);
    String[] alphabet = {"a", "b", "\u0000", "\u0001", "\n", "\u00e9", "\ud83d\ude00", "\uffff", "z"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = r.nextInt(6); k > 0; k--) {
        b.append(alphabet[r.nextInt(alphabet.length)]);
      }
      lines.add(b.toString());
    }
    return lines;
  }

  private static List<String> readAll(LineSorter.Sorted sorted) throws IOException {
    List<String> out = new ArrayList<>();
    try (sorted) {
      for (String l = sorted.next(); l != null; l = sorted.next()) {
        out.add(l);
      }
    }
    return out;
  }

  private List<String> sortWith(List<String> lines, long runChars) throws IOException {
    try (LineSorter s = new LineSorter(tmp, runChars)) {
      for (String l : lines) {
        s.add(l);
      }
      return readAll(s.sorted());
    }
  }

  @Test
  void linesThatFitInOneRunComeBackSorted() throws IOException {
    List<String> lines = randomLines(500, 1);
    List<String> want = new ArrayList<>(lines);
    want.sort(null);
    assertEquals(want, sortWith(lines, Long.MAX_VALUE));
  }

  @Test
  void manyRunsMoreThanTheFanInMergeToTheSameOrder() throws IOException {
    List<String> lines = randomLines(5000, 2);
    List<String> want = new ArrayList<>(lines);
    want.sort(null);
    // about 12 characters a run: hundreds of runs, more than RunMerger.FAN_IN, so merged in levels
    assertEquals(want, sortWith(lines, 12));
  }

  @Test
  void anUnpairedSurrogateSortsAndComesBackAsTheReplacementCharacterSpilledOrNot() throws IOException {
    List<String> lines = List.of("a\ud83d", "\ude00b", "a\ud83d\ude00", "a\uffff");
    List<String> want = List.of("a\ud83d\ude00", "a\ufffd", "a\uffff", "\ufffdb");
    assertEquals(want, sortWith(lines, Long.MAX_VALUE));
    assertEquals(want, sortWith(lines, 1));
  }

  @Test
  void aSpillBeforeWaitingKeepsItsLinesAndClosingLeavesNothing() throws IOException {
    List<String> got;
    try (LineSorter s = new LineSorter(tmp, Long.MAX_VALUE)) {
      s.add("b");
      s.add("a");
      s.spill();
      s.add("c\nd");
      s.add("a");
      got = readAll(s.sorted());
      assertThrows(IllegalStateException.class, () -> s.add("late"));
    }
    assertEquals(List.of("a", "a", "b", "c\nd"), got);
    try (var left = Files.list(tmp)) {
      assertTrue(left.findAny().isEmpty(), "scratch deleted");
    }
  }
}
