package dev.btfscan.io;

import dev.btfscan.io.sink.RunSpiller;
import dev.btfscan.io.compress.DecompressionLimits;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads kernel packages (rpm, deb, tar[.gz|.xz|.zst|.bz2], directory trees) from any Beam
 * filesystem and emits their kernel modules and kernel image candidates.
 *
 * <pre>{@code
 * PCollectionTuple found = pipeline
 *     .apply(Create.of("/data/linux-image-*.deb", "gs://bucket/rpms/", "/data/tree/"))
 *     .apply(KernelPackageIO.read());
 * PCollection<KernelFile> files = found.get(KernelPackageIO.KERNEL_FILES);
 * PCollection<PackageSummary> summaries = found.get(KernelPackageIO.SUMMARIES);
 * }</pre>
 *
 * <p>Inputs are file paths, globs, or directories (a directory, or any input ending in '/', is read
 * as one tree package). Every input yields summaries: one per package, or one with a problem when
 * the input matches nothing.
 */
public final class KernelPackageIO {
  /** Modules and kernel image candidates, spread across workers. */
  public static final TupleTag<KernelFile> KERNEL_FILES = new TupleTag<KernelFile>("kernelFiles") {};
  /**
   * The report lines of modules a {@link LocalAnalysis} judged while their package was read, as
   * sorted runs the reader spilled with that report's {@link RunSpiller}: (report, run path), for
   * the report's {@link dev.btfscan.io.sink.WriteSortedLines#mergeRuns()}. Empty without one. The
   * lines themselves never become elements: the DirectRunner runs the steps that would consume
   * them only once its workers are done reading packages, so every package's lines waited in
   * memory until the last package was read (10 MB of heap per Debian kernel package).
   */
  public static final TupleTag<KV<String, String>> LOCAL_RUNS = new TupleTag<KV<String, String>>("localRuns") {};
  /** One summary per package (or per unmatched input). */
  public static final TupleTag<PackageSummary> SUMMARIES = new TupleTag<PackageSummary>("summaries") {};

  /** Entries larger than this are reported without bytes. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 256L << 20;
  private static final long MAX_ENTRY_BYTES_LIMIT = Integer.MAX_VALUE - 16;
  /** Kernel files are spread over this many shards by default (see {@link SpreadKernelFiles}). */
  public static final int SPREAD_SHARDS = 32;

  private KernelPackageIO() {}

  /**
   * How many packages {@code inputs} name, expanded as {@link #read()} expands them (globs,
   * directories of packages, trees; inputs that match nothing count 0), and how many of them are
   * local files whose payload decodes on every core, so that at most {@link
   * dev.btfscan.io.compress.ParallelDecodeSlots#slotsFor} of them are read at once. Lists
   * directories and reads the first bytes of each local package's payload: for sizing a local run,
   * not for every element.
   */
  public static PackageCount countPackages(List<String> inputs) {
    return MatchPackagesFn.count(inputs);
  }

  /** {@link #countPackages}: {@code decodingOnEveryCore} of the {@code packages} decode on every core. */
  public record PackageCount(long packages, long decodingOnEveryCore) {}

  /** Reads with a 256 MiB entry cap and {@link DecompressionLimits#defaults()} for payloads. */
  public static Read read() {
    return new Read(DEFAULT_MAX_ENTRY_BYTES, DecompressionLimits.defaults(), null, null, Map.of(), null, null, SPREAD_SHARDS);
  }

  /** The read transform; configure with {@code withX}, each returning a modified copy. */
  public static final class Read extends PTransform<PCollection<String>, PCollectionTuple> {
    private static final long serialVersionUID = 1L;
    private final long maxEntryBytes;
    private final DecompressionLimits payloadLimits;
    private final SerializableFunction<byte[], byte[]> moduleBytes;
    private final LocalAnalysis localAnalysis;
    private final Map<String, RunSpiller> localReports;
    private final SerializableFunction<KernelFile, byte[]> imageDigest;
    private final SerializableFunction<KernelFile, byte[]> moduleDigest;
    private final int spreadShards;

    private Read(long maxEntryBytes, DecompressionLimits payloadLimits, SerializableFunction<byte[], byte[]> moduleBytes,
        LocalAnalysis localAnalysis, Map<String, RunSpiller> localReports, SerializableFunction<KernelFile, byte[]> imageDigest,
        SerializableFunction<KernelFile, byte[]> moduleDigest, int spreadShards) {
      this.maxEntryBytes = maxEntryBytes;
      this.payloadLimits = payloadLimits;
      this.moduleBytes = moduleBytes;
      this.localAnalysis = localAnalysis;
      this.localReports = localReports;
      this.imageDigest = imageDigest;
      this.moduleDigest = moduleDigest;
      this.spreadShards = spreadShards;
    }

    /** Module/image entries above this size are emitted with a problem and no bytes. */
    public Read withMaxEntryBytes(long maxEntryBytes) {
      if (maxEntryBytes < 0 || maxEntryBytes > MAX_ENTRY_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxEntryBytes must be between 0 and " + MAX_ENTRY_BYTES_LIMIT + ", got "
            + maxEntryBytes);
      }
      return new Read(maxEntryBytes, payloadLimits, moduleBytes, localAnalysis, localReports, imageDigest, moduleDigest,
          spreadShards);
    }

    /** Limits for decompressing whole payloads (data.tar, rpm cpio, compressed tar). */
    public Read withPayloadLimits(DecompressionLimits payloadLimits) {
      return new Read(maxEntryBytes, Objects.requireNonNull(payloadLimits, "payloadLimits"), moduleBytes, localAnalysis,
          localReports, imageDigest, moduleDigest, spreadShards);
    }

    /**
     * Applied to the bytes of every module entry (not duplicates, not kernel images) as it is read,
     * before it leaves the reader: lets the caller keep only what it analyses, so a package's
     * modules never sit in memory whole (the scan passes ModuleSlimmer::slim). Must return its
     * input for anything it does not understand.
     */
    public Read withModuleBytes(SerializableFunction<byte[], byte[]> moduleBytes) {
      return new Read(maxEntryBytes, payloadLimits, Objects.requireNonNull(moduleBytes, "moduleBytes"), localAnalysis,
          localReports, imageDigest, moduleDigest, spreadShards);
    }

    /**
     * Applied to every kernel image read whole, after a {@link LocalAnalysis} saw it: a non-null
     * result replaces the image's bytes ({@link KernelFile#withDigest}), null keeps them. Lets the
     * caller do the image's work in the reader and send on only what it keeps of it (the scan
     * writes the vmlinux BTF out and keeps a reference): on the DirectRunner, what a reader emits
     * waits in memory until every package has been read, and an image is megabytes.
     */
    public Read withKernelImageDigest(SerializableFunction<KernelFile, byte[]> digest) {
      return new Read(maxEntryBytes, payloadLimits, moduleBytes, localAnalysis, localReports,
          Objects.requireNonNull(digest, "digest"), moduleDigest, spreadShards);
    }

    /**
     * Applied to every module the reader sends on (every module read, or with a {@link
     * LocalAnalysis} those it passed on): a non-null result replaces the module's bytes ({@link
     * KernelFile#withDigest}). Such modules wait for the vmlinux of every package; the scan
     * stores their bytes outside the heap meanwhile and sends on where.
     */
    public Read withPassedOnModuleDigest(SerializableFunction<KernelFile, byte[]> digest) {
      return new Read(maxEntryBytes, payloadLimits, moduleBytes, localAnalysis, localReports, imageDigest,
          Objects.requireNonNull(digest, "digest"), spreadShards);
    }

    /**
     * Lets {@code analysis} judge modules while their package is read (see {@link LocalAnalysis});
     * the modules it judges leave only as lines, spilled as sorted runs with {@code reports}' spiller
     * of the report each line names, in {@link #LOCAL_RUNS}.
     */
    public Read withLocalAnalysis(LocalAnalysis analysis, Map<String, RunSpiller> reports) {
      return new Read(maxEntryBytes, payloadLimits, moduleBytes, Objects.requireNonNull(analysis, "analysis"),
          Map.copyOf(reports), imageDigest, moduleDigest, spreadShards);
    }

    /**
     * The shards the kernel files are spread over for the steps after the reader (default {@value
     * #SPREAD_SHARDS}): at most that many analyse modules at once, and on the DirectRunner each is
     * a bundle of its own, whose evaluator the runner makes anew (it translates the step's DoFn to
     * its proto and deserializes it, about 25 ms of CPU each).
     */
    public Read withSpreadShards(int shards) {
      if (shards < 1) {
        throw new IllegalArgumentException("shards must be positive, got " + shards);
      }
      return new Read(maxEntryBytes, payloadLimits, moduleBytes, localAnalysis, localReports, imageDigest, moduleDigest,
          shards);
    }

    public long maxEntryBytes() {
      return maxEntryBytes;
    }

    public DecompressionLimits payloadLimits() {
      return payloadLimits;
    }

    @Override
    public PCollectionTuple expand(PCollection<String> inputs) {
      PCollectionTuple matched = inputs.apply("Match Packages",
          ParDo.of(new MatchPackagesFn())
              .withOutputTags(MatchPackagesFn.LOCATIONS, TupleTagList.of(MatchPackagesFn.UNMATCHED)));
      // A glob matches in one bundle; reshuffle so packages are read on different workers.
      PCollection<KV<String, String>> locations = matched.get(MatchPackagesFn.LOCATIONS).setCoder(StringUtf8Coder.of())
          .apply("Name Packages", new NamePackages())
          .apply("Spread Packages", Reshuffle.viaRandomKey());
      PCollectionTuple read = locations.apply("Read Packages",
          ParDo.of(new ReadPackageFn(maxEntryBytes, payloadLimits, moduleBytes, localAnalysis, localReports, imageDigest, moduleDigest))
              .withOutputTags(KERNEL_FILES, TupleTagList.of(SUMMARIES).and(LOCAL_RUNS)));
      // One package yields thousands of modules in one bundle; spread them for the BTF stages.
      PCollection<KernelFile> files = read.get(KERNEL_FILES).setCoder(KernelFileCoder.of())
          .apply("Spread Kernel Files", new SpreadKernelFiles(spreadShards));
      PCollection<PackageSummary> summaries = PCollectionList
          .of(matched.get(MatchPackagesFn.UNMATCHED).setCoder(PackageSummaryCoder.of()))
          .and(read.get(SUMMARIES).setCoder(PackageSummaryCoder.of()))
          .apply("Collect Summaries", Flatten.pCollections());
      PCollection<KV<String, String>> rows = read.get(LOCAL_RUNS)
          .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
      return PCollectionTuple.of(KERNEL_FILES, files).and(SUMMARIES, summaries).and(LOCAL_RUNS, rows);
    }
  }
}
