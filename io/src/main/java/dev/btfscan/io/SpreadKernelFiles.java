package dev.btfscan.io;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Spreads the kernel files of a package over a bounded number of shards (round robin), instead of
 * {@code Reshuffle.viaRandomKey()}'s one key per element.
 *
 * <p>Why (JFR profile of a scan of the 4023-module Debian package): with one random key per module
 * the DirectRunner ran one bundle per module through its GroupByKey, and its watermark manager
 * (timer extraction over every pending key) plus the per-bundle copies of the report GroupByKey's
 * state took over half of the run, more than xz decoding and the BTF work together. A bounded key
 * set gives the same spread over workers (shards is well above any worker count we run with; raise
 * it on a big cluster) with a handful of bundles per package.
 */
final class SpreadKernelFiles extends PTransform<PCollection<KernelFile>, PCollection<KernelFile>> {
  private static final long serialVersionUID = 1L;
  private final int shards;

  SpreadKernelFiles(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be positive, got " + shards);
    }
    this.shards = shards;
  }

  @Override
  public PCollection<KernelFile> expand(PCollection<KernelFile> files) {
    return files
        .apply("Assign Shards", ParDo.of(new AssignShardFn(shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), KernelFileCoder.of()))
        .apply("Reshuffle", Reshuffle.of())
        .apply("Drop Shards", Values.create());
  }

  /** Round robin from a random start per bundle, so small packages do not all land on shard 0. */
  static final class AssignShardFn extends DoFn<KernelFile, KV<Integer, KernelFile>> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private transient int next;

    AssignShardFn(int shards) {
      this.shards = shards;
    }

    @StartBundle
    public void startBundle() {
      next = ThreadLocalRandom.current().nextInt(shards);
    }

    @ProcessElement
    public void process(@Element KernelFile f, OutputReceiver<KV<Integer, KernelFile>> out) {
      out.output(KV.of(next, f));
      next = (next + 1) % shards;
    }
  }
}
