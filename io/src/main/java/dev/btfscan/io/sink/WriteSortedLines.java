package dev.btfscan.io.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes all lines of a PCollection into ONE file, sorted by a key and then by the line itself, so
 * the bytes are identical whatever the runner, parallelism or bundle order. Lines are gathered in
 * one worker's memory: meant for reports of up to ~100k lines, not for bulk data.
 *
 * <p>The file is written even when the input is empty (zero bytes), so a report always exists.
 * Output: the path written, once, for sequencing.
 */
public final class WriteSortedLines extends PTransform<PCollection<String>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final SerializableFunction<String, String> sortKey;

  private WriteSortedLines(String path, SerializableFunction<String, String> sortKey) {
    this.path = path;
    this.sortKey = sortKey;
  }

  /** Writes to {@code path} (any Beam filesystem), lines sorted by their full text. */
  public static WriteSortedLines to(String path) {
    return new WriteSortedLines(Objects.requireNonNull(path, "path"), line -> line);
  }

  /** Sorts by {@code key(line)} first (e.g. the package and path fields of a JSON line). */
  public WriteSortedLines withSortKey(SerializableFunction<String, String> key) {
    return new WriteSortedLines(path, Objects.requireNonNull(key, "key"));
  }

  @Override
  public PCollection<String> expand(PCollection<String> lines) {
    return lines
        .apply("Gather Lines", Combine.globally(new GatherFn()))
        .setCoder(ListCoder.of(StringUtf8Coder.of()))
        .apply("Write Sorted", ParDo.of(new WriteFn(path, sortKey)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Collects every line into one list; Combine.globally yields it even for empty input. */
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

  /** Sorts and writes; newline-terminated UTF-8. */
  static final class WriteFn extends DoFn<List<String>, String> {
    private final String path;
    private final SerializableFunction<String, String> sortKey;

    WriteFn(String path, SerializableFunction<String, String> sortKey) {
      this.path = path;
      this.sortKey = sortKey;
    }

    @ProcessElement
    public void process(@Element List<String> lines, OutputReceiver<String> out) throws IOException {
      List<String> sorted = new ArrayList<>(lines);
      Comparator<String> byKey = Comparator.comparing(sortKey::apply);
      sorted.sort(byKey.thenComparing(Comparator.naturalOrder()));
      try (OutputStream os = Channels.newOutputStream(
              FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT));
          Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8))) {
        for (String line : sorted) {
          w.write(line);
          w.write('\n');
        }
      }
      out.output(path);
    }
  }
}
