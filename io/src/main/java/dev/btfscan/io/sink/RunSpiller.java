package dev.btfscan.io.sink;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Writes lines as one sorted run of a {@link WriteSortedLines} file: what its bundles do, and what a
 * step that makes the lines itself (the package reader judging modules) does instead of emitting
 * them. The runs' paths then go to {@link WriteSortedLines#mergeRuns()}.
 */
public final class RunSpiller implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String runs;
  private final SerializableFunction<String, String> sortKey;

  RunSpiller(String runs, SerializableFunction<String, String> sortKey) {
    this.runs = runs;
    this.sortKey = sortKey;
  }

  /** A buffer of lines that spills them as a run each time they reach {@code runChars} characters. */
  public Buffer buffer(long runChars) {
    return new Buffer(runChars);
  }

  /** Lines gathered for the next run: what bounds a bundle's (or a package reader's) memory. */
  public final class Buffer {
    private final long runChars;
    private List<String> lines = new ArrayList<>();
    private long chars;

    private Buffer(long runChars) {
      this.runChars = runChars;
    }

    /** Adds a line; returns the path of the run it completed, or {@code null}. */
    public String add(String line) throws IOException {
      lines.add(line);
      chars += line.length();
      return chars >= runChars ? flush() : null;
    }

    /** Spills the lines gathered so far; returns the run's path, or {@code null} when there were none. */
    public String flush() throws IOException {
      if (lines.isEmpty()) {
        return null;
      }
      String run = spill(lines);
      lines = new ArrayList<>();
      chars = 0;
      return run;
    }
  }

  /**
   * Sorts {@code lines} (in place) and writes them as a new run; returns its path. A retried bundle
   * writes a run of a new name: only runs whose paths reach the merge are merged, the rest deleted.
   */
  public String spill(List<String> lines) throws IOException {
    lines.sort(WriteSortedLines.order(sortKey));
    String run = runs + UUID.randomUUID() + ".run";
    SortedRun.write(run, lines);
    return run;
  }
}
