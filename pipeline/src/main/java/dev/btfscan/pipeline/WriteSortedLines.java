package dev.btfscan.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes (sort key, line) pairs into one file, sorted by key and then by line, so the file's bytes
 * depend only on its content and never on bundling, parallelism or runner. All lines meet on one
 * worker: fine for report rows (a distro's worth of modules is a few MB of JSON). An empty
 * collection writes nothing; the driver creates the empty file (see {@link ScanPipeline}).
 */
final class WriteSortedLines extends PTransform<PCollection<KV<String, String>>, PDone> {
  private static final long serialVersionUID = 1L;
  private final String path;

  private WriteSortedLines(String path) {
    this.path = path;
  }

  static WriteSortedLines to(String path) {
    return new WriteSortedLines(path);
  }

  @Override
  public PDone expand(PCollection<KV<String, String>> rows) {
    rows.apply("One group", WithKeys.of(""))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("Gather", GroupByKey.create())
        .apply("Sort and write", ParDo.of(new WriteFn(path)));
    return PDone.in(rows.getPipeline());
  }

  private static final class WriteFn extends DoFn<KV<String, Iterable<KV<String, String>>>, Void> {
    private static final long serialVersionUID = 1L;
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<KV<String, String>> rows = new ArrayList<>();
      c.element().getValue().forEach(rows::add);
      rows.sort(Comparator.comparing((KV<String, String> kv) -> kv.getKey()).thenComparing(KV::getValue));
      try (OutputStream out = Channels.newOutputStream(
          FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT))) {
        for (KV<String, String> kv : rows) {
          out.write(kv.getValue().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
    }
  }
}
