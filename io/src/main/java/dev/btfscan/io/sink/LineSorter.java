package dev.btfscan.io.sink;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sorts more lines than the heap should hold, on one machine: lines are gathered up to a bound,
 * spilled as sorted runs into a scratch directory of its own, and read back merged. For the
 * driver's reports, whose inputs grow with the scan (the rows of a baseline and of this scan);
 * {@link WriteSortedLines} is the same for a pipeline's lines. Lines are ordered by {@link
 * String#compareTo}; equal lines come back in no particular order among themselves. Runs hold
 * UTF-8, so an unpaired surrogate is taken, sorted and given back as U+FFFD (as it would be
 * written anyway), whether its line was spilled or not.
 */
public final class LineSorter implements Closeable {
  private final Path scratch;
  /** Gathers the lines and spills them as runs: WriteSortedLines' own, sorted by the whole line. */
  private final RunSpiller.Buffer buffer;
  private final List<String> runs = new ArrayList<>();
  private boolean reading;

  /**
   * @param parent the directory under which this sorter makes (and at {@link #close()} deletes)
   *     its scratch directory
   * @param runChars the characters gathered before they are spilled as one run
   */
  public LineSorter(Path parent, long runChars) throws IOException {
    this.scratch = Files.createTempDirectory(parent, "sort-");
    this.buffer = new RunSpiller(scratch + "/", line -> line).buffer(Math.max(1, runChars));
  }

  /** Adds a line (any characters, newlines included). */
  public void add(String line) throws IOException {
    if (reading) {
      throw new IllegalStateException("lines added after the sorted lines were read");
    }
    String run = buffer.add(withoutLoneSurrogates(line));
    if (run != null) {
      runs.add(run);
    }
  }

  static String withoutLoneSurrogates(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isHighSurrogate(c)
          ? i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      if (lone && b == null) {
        b = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (b != null) {
        b.append(lone ? '\ufffd' : c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** The lines sorted so far spilled to a run of their own (a sorter that waits, e.g. for a scan). */
  public void spill() throws IOException {
    String run = buffer.flush();
    if (run != null) {
      runs.add(run);
    }
  }

  /** The lines read back in order; the sorter takes no more lines after this. Once only. */
  public Sorted sorted() throws IOException {
    if (reading) {
      throw new IllegalStateException("the sorted lines were read already");
    }
    reading = true;
    spill();
    RunMerger.Merged merged = new RunMerger(Comparator.naturalOrder(), scratch + "/").open(runs);
    return new Sorted() {
      @Override
      public String next() throws IOException {
        return merged.next();
      }

      @Override
      public void close() throws IOException {
        merged.close();
      }
    };
  }

  /** Deletes the runs and the scratch directory. */
  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.list(scratch)) {
      files.forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.deleteIfExists(scratch);
  }

  /** Sorted lines, read one at a time. */
  public interface Sorted extends Closeable {
    /** The next line, or {@code null} after the last. */
    String next() throws IOException;

    @Override
    default void close() throws IOException {}
  }
}
