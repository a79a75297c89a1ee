package dev.btfscan.io.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes all lines of a PCollection into ONE file, sorted by a key and then by the line itself, so
 * the bytes are identical whatever the runner, parallelism or bundle order.
 *
 * <p>Memory does not grow with the lines: each bundle sorts its lines and spills them as a run
 * ({@link SortedRun}, at most {@link #RUN_CHARS} characters buffered per bundle) into a hidden
 * directory beside the file; only the runs' paths are gathered, and one worker merges the runs into
 * the file ({@link RunMerger}). A distro-wide scan writes millions of rows; gathered in memory as
 * before, each cost a worker about 1 KB until the run ended. The runs' directory must be on a
 * filesystem every worker and the merging one share, like the file itself.
 *
 * <p>The runs outlive the merge: a runner may run a merge again (a lost worker, a retried stage)
 * after it finished once, and it must find the same runs. Once the pipeline is done, the caller
 * deletes their directory ({@link #runsDirectoryName}).
 *
 * <p>The file is written even when the input is empty (zero bytes), so a report always exists.
 * Output: the path written, once, for sequencing.
 */
public final class WriteSortedLines extends PTransform<PCollection<String>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** Characters of lines one bundle buffers before it spills them as a run. */
  public static final long RUN_CHARS = 8L << 20;

  private final String path;
  private final SerializableFunction<String, String> sortKey;
  private final long runChars;

  private WriteSortedLines(String path, SerializableFunction<String, String> sortKey, long runChars) {
    this.path = path;
    this.sortKey = sortKey;
    this.runChars = runChars;
  }

  /** Writes to {@code path} (any Beam filesystem), lines sorted by their full text. */
  public static WriteSortedLines to(String path) {
    return new WriteSortedLines(Objects.requireNonNull(path, "path"), line -> line, RUN_CHARS);
  }

  /** Sorts by {@code key(line)} first (e.g. the package and path fields of a JSON line). */
  public WriteSortedLines withSortKey(SerializableFunction<String, String> key) {
    return new WriteSortedLines(path, Objects.requireNonNull(key, "key"), runChars);
  }

  /** Spills a run every {@code chars} characters of lines (tests: many runs from few lines). */
  WriteSortedLines withRunChars(long chars) {
    return new WriteSortedLines(path, sortKey, chars);
  }

  /** The hidden directory beside {@code path} that holds its runs while it is written. */
  static String runsDirectory(String path) {
    ResourceId file = FileSystems.matchNewResource(path, false);
    return file.getCurrentDirectory().resolve(runsDirectoryName(file.getFilename()), StandardResolveOptions.RESOLVE_DIRECTORY)
        .toString();
  }

  /**
   * The name of the directory, beside a file named {@code fileName}, that holds its runs: for the
   * caller to delete once the pipeline is done (see the class comment).
   */
  public static String runsDirectoryName(String fileName) {
    return "." + fileName + ".runs";
  }

  /** Writes sorted runs of this file from outside the transform; see {@link #mergeRuns()}. */
  public RunSpiller runSpiller() {
    return new RunSpiller(runsDirectory(path), sortKey);
  }

  @Override
  public PCollection<String> expand(PCollection<String> lines) {
    return lines.apply("Spill sorted runs", spillRuns()).apply("Merge runs", mergeRuns());
  }

  /** The first half: lines in, the paths of the sorted runs they were spilled to out. */
  public PTransform<PCollection<String>, PCollection<String>> spillRuns() {
    return new SpillRuns(runSpiller(), runChars);
  }

  /**
   * The second half: the paths of sorted runs in (from {@link #spillRuns()} or a {@link
   * #runSpiller()}), the file written from them out (its path, once).
   */
  public PTransform<PCollection<String>, PCollection<String>> mergeRuns() {
    return new MergeRuns(path, sortKey);
  }

  static final class SpillRuns extends PTransform<PCollection<String>, PCollection<String>> {
    private static final long serialVersionUID = 1L;
    private final RunSpiller spiller;
    private final long runChars;

    SpillRuns(RunSpiller spiller, long runChars) {
      this.spiller = spiller;
      this.runChars = runChars;
    }

    @Override
    public PCollection<String> expand(PCollection<String> lines) {
      requireGlobalWindow(lines);
      return lines.apply("Spill", ParDo.of(new SpillFn(spiller, runChars))).setCoder(StringUtf8Coder.of());
    }
  }

  static final class MergeRuns extends PTransform<PCollection<String>, PCollection<String>> {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final SerializableFunction<String, String> sortKey;

    MergeRuns(String path, SerializableFunction<String, String> sortKey) {
      this.path = path;
      this.sortKey = sortKey;
    }

    @Override
    public PCollection<String> expand(PCollection<String> runs) {
      requireGlobalWindow(runs);
      return runs
          .apply("Gather runs", Combine.globally(new GatherFn()))
          .setCoder(ListCoder.of(StringUtf8Coder.of()))
          .apply("Merge", ParDo.of(new MergeFn(path, runsDirectory(path), sortKey)))
          .setCoder(StringUtf8Coder.of());
    }
  }

  private static void requireGlobalWindow(PCollection<String> c) {
    if (!(c.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("WriteSortedLines writes one file of a bounded, globally windowed collection");
    }
  }

  static Comparator<String> order(SerializableFunction<String, String> sortKey) {
    Comparator<String> byKey = Comparator.comparing(sortKey::apply);
    return byKey.thenComparing(Comparator.naturalOrder());
  }

  /** Buffers a bundle's lines, spills them sorted as runs; emits each run's path. */
  static final class SpillFn extends DoFn<String, String> {
    private final RunSpiller spiller;
    private final long runChars;
    private transient RunSpiller.Buffer buffer;

    SpillFn(RunSpiller spiller, long runChars) {
      this.spiller = spiller;
      this.runChars = runChars;
    }

    @StartBundle
    public void start() {
      buffer = spiller.buffer(runChars);
    }

    @ProcessElement
    public void process(@Element String line, OutputReceiver<String> out) throws IOException {
      String run = buffer.add(line);
      if (run != null) {
        out.output(run);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      String run = buffer.flush();
      if (run != null) {
        c.output(run, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }

  /** Collects every run's path; Combine.globally yields the list even for empty input. */
  static final class GatherFn extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> acc, String line) {
      acc.add(line);
      return acc;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> accs) {
      List<String> all = new ArrayList<>();
      for (List<String> a : accs) {
        all.addAll(a);
      }
      return all;
    }

    @Override
    public List<String> extractOutput(List<String> acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<String>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, org.apache.beam.sdk.coders.Coder<String> inputCoder) {
      return ListCoder.of(StringUtf8Coder.of());
    }
  }

  /**
   * Merges the runs into the file, which it writes whole, so a merge run again writes the same
   * bytes from the same runs. The runs stay for that; the caller deletes them after the pipeline.
   */
  static final class MergeFn extends DoFn<List<String>, String> {
    private final String path;
    private final String runs;
    private final SerializableFunction<String, String> sortKey;

    MergeFn(String path, String runs, SerializableFunction<String, String> sortKey) {
      this.path = path;
      this.runs = runs;
      this.sortKey = sortKey;
    }

    @ProcessElement
    public void process(@Element List<String> runPaths, OutputReceiver<String> out) throws IOException {
      // Sorted, so intermediate merges group the same runs on every attempt (the bytes do not depend on it).
      List<String> sorted = new ArrayList<>(runPaths);
      sorted.sort(Comparator.naturalOrder());
      new RunMerger(order(sortKey), runs).merge(sorted, path);
      out.output(path);
    }
  }
}
