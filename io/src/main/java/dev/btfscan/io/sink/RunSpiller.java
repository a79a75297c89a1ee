package dev.btfscan.io.sink;

import java.io.IOException;
import java.io.Serializable;
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
