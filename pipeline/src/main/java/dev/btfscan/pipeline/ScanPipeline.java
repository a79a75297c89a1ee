package dev.btfscan.pipeline;

import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.elf.ModuleSlimmer;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.KernelPackageIO;
import dev.btfscan.io.LocalPaths;
import dev.btfscan.io.compress.ParallelDecodeSlots;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.report.Json;
import dev.btfscan.report.ScanRows;
import dev.btfscan.report.Summary;
import dev.btfscan.transforms.AnalyzeModuleFn;
import dev.btfscan.transforms.BlobWriter;
import dev.btfscan.transforms.ExtractKernelBtfFn;
import dev.btfscan.transforms.JudgeWhileReading;
import dev.btfscan.transforms.KernelBtf;
import dev.btfscan.transforms.PackageRowFn;
import dev.btfscan.transforms.ScanTags;
import dev.btfscan.io.sink.OutputDirectory;
import dev.btfscan.io.sink.WriteSortedLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The scan, wired: packages in; kernel images to vmlinux BTF (shared by release as a side input);
 * modules analyzed in parallel against it; rows sorted into the report files; summary and gates.
 */
public final class ScanPipeline {
  /** The key under which an {@code --against} kernel file's BTF is shared with every module. */
  static final String AGAINST_FILE_KEY = "--against";

  public static final String MODULES = "modules.jsonl";
  public static final String KERNELS = "kernels.jsonl";
  public static final String MISMATCHES = "mismatches.jsonl";
  public static final String PACKAGES = "packages.jsonl";
  public static final String SUMMARY = "summary.json";
  /** The reports the pipeline writes with {@link WriteSortedLines}. */
  static final List<String> SORTED_REPORTS = List.of(MODULES, MISMATCHES, KERNELS, PACKAGES);

  private ScanPipeline() {}

  /** Runs the scan, writes OUT atomically, prints the summary; returns the process exit code. */
  public static int run(ScanConfig config) throws IOException {
    return run(config, options(config), System.out, System.err);
  }

  static int run(ScanConfig config, PipelineOptions options, PrintStream out, PrintStream err) throws IOException {
    return run(config, options, out, err, true);
  }

  /** @param judgeInReader whether packages may judge their modules as they are read (tests compare both ways) */
  static int run(ScanConfig config, PipelineOptions options, PrintStream out, PrintStream err, boolean judgeInReader)
      throws IOException {
    try (ScanReports reports = ScanReports.prepare(config.baseline())) {
      return run(config, options, out, err, judgeInReader, reports);
    }
  }

  private static int run(ScanConfig config, PipelineOptions options, PrintStream out, PrintStream err,
      boolean judgeInReader, ScanReports reports) throws IOException {
    refuseInputsInsideOut(config);
    KernelBtf againstFile = AgainstKernel.load(config.against(), config.caps());
    OutputDirectory dir = OutputDirectory.prepare(Path.of(config.output()));
    Summary summary;
    try {
      Pipeline p = Pipeline.create(options);
      build(p, config, againstFile, dir.staging().toString(), judgeInReader);
      PipelineResult result = p.run();
      Progress.follow(result, config.quiet() ? null : err);
      dir.deleteScratch(AnalyzeModuleFn.WAITING_SCRATCH);
      for (String report : SORTED_REPORTS) {
        // kept by the pipeline until now: a merge run again must find its runs
        dir.deleteScratch(WriteSortedLines.runsDirectoryName(report));
      }
      // Every report is made from the rows as written, read once here (or per pass when large).
      ScanRows rows = ScanRows.read(dir.staging());
      summary = rows.summary();
      Files.writeString(dir.staging().resolve(SUMMARY),
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary.toJson()) + "\n", StandardCharsets.UTF_8);
      reports.write(dir.staging(), rows);
    } catch (IOException | RuntimeException e) {
      // A failed run leaves the previous OUT as it was and no staging directory behind; the
      // failure reported is the run's, not the clean-up's.
      try {
        dir.abort();
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    dir.commit();
    out.print(summary.toText());
    out.println("Reports in " + dir.target());
    return Gates.exitCode(summary, config.failOn(), err);
  }

  /**
   * A scan replaces OUT whole at its end: an input inside OUT (packages kept in an earlier OUT)
   * would be read, then deleted. Refused before any work. Inputs on other filesystems (a scheme)
   * cannot lie inside OUT, which is local.
   */
  static void refuseInputsInsideOut(ScanConfig config) throws IOException {
    Path out = Path.of(config.output()).toAbsolutePath().normalize();
    for (String input : config.inputs()) {
      Path local = LocalPaths.of(input);
      if (local != null && local.toAbsolutePath().normalize().startsWith(out)) {
        throw new IOException("input " + input + " lies inside OUT " + out + ", which the scan replaces whole at its "
            + "end: choose an OUT outside the inputs");
      }
    }
  }

  static PipelineOptions options(ScanConfig config) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(config.beamArgs().toArray(new String[0]))
        .withValidation().create();
    options.setJobName("btf-scan");
    if (onDirectRunner(options)) {
      // The DirectRunner's immutability and encodability checks cost ~5x on large byte[]
      // elements (research notes); tests keep them on, real runs need not.
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
      if (!config.beamArgs().stream().anyMatch(a -> a.startsWith("--targetParallelism"))) {
        direct.setTargetParallelism(directParallelism(KernelPackageIO.countPackages(config.inputs()),
            Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory()));
      }
    }
    return options;
  }

  /**
   * The DirectRunner's worker threads: one per package that can be read at the same time, at most
   * one per core, and no more packages at once than the heap holds. Packages whose payload decodes
   * on every core are read at most {@link ParallelDecodeSlots#slotsFor} at once (each already uses
   * the cores), so together they count as that many. Why not always one per core: the runner's
   * driver re-submits itself to the same pool without pausing (ExecutorServiceParallelExecutor,
   * QuiescenceDriver), so a pool thread without a bundle spins. Profiled on one 4023-module package
   * with 2 threads, the spin took 38% of the CPU while the reader's single bundle ran; on five
   * copies of it (2 cores, one slot) with 2 threads it spun through the whole last one: 16.9-17.9 s
   * against 16.0-16.4 s with one thread, 3.5 s more CPU (less when the last package is small). A
   * package's own work is parallel anyway: its xz blocks decode on a pool of their own, its
   * modules are judged on one thread per core. Other runners size themselves.
   */
  static int directParallelism(KernelPackageIO.PackageCount count, int cores, long maxHeap) {
    long everyCore = count.decodingOnEveryCore();
    long readAtOnce = count.packages() - everyCore + Math.min(everyCore, ParallelDecodeSlots.slotsFor(cores, maxHeap));
    return (int) Math.max(1, Math.min(Math.min(cores, readAtOnce), maxHeap / ParallelDecodeSlots.HEAP_PER_PACKAGE));
  }

  /** Whether {@code options} select the DirectRunner, whose own options and costs apply only then. */
  private static boolean onDirectRunner(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals("DirectRunner");
  }

  /**
   * The shards kernel files are spread over after the reader: on the DirectRunner four per worker
   * thread, since each shard is a bundle there, and the runner makes each bundle's evaluator anew
   * (about 25 ms of CPU: the DoFn translated to its proto and deserialized twice). 1,121 modules
   * that waited for another package's vmlinux, 2 cores, three interleaved runs each: 4.52-4.84 s
   * with 8 shards against 5.44-5.64 s with 32, the same bytes. Other runners keep {@link
   * KernelPackageIO#SPREAD_SHARDS}: their workers are many, and a shard is at most one of them.
   */
  static int spreadShards(PipelineOptions options) {
    if (onDirectRunner(options)) {
      return 4 * Math.max(1, options.as(DirectOptions.class).getTargetParallelism());
    }
    return KernelPackageIO.SPREAD_SHARDS;
  }

  /**
   * The report rows as collections, for tests to assert on before they are written: the rows of
   * the pipeline's way only (those judged in the reader reach the reports as spilled runs).
   */
  record Rows(PCollection<String> modules, PCollection<String> mismatches, PCollection<String> kernels) {}

  /** Adds the scan to {@code p}, writing every report under {@code staging}. */
  static Rows build(Pipeline p, ScanConfig config, KernelBtf againstFile, String staging) {
    return build(p, config, againstFile, staging, true);
  }

  static Rows build(Pipeline p, ScanConfig config, KernelBtf againstFile, String staging, boolean judgeInReader) {
    String root = staging.endsWith("/") ? staging : staging + "/";
    BlobWriter blobs = new BlobWriter(root);
    String againstKey = againstFile != null ? AGAINST_FILE_KEY : config.against();
    WriteSortedLines modulesReport = WriteSortedLines.to(root + MODULES);
    WriteSortedLines mismatchesReport = WriteSortedLines.to(root + MISMATCHES);
    KernelPackageIO.Read reader = KernelPackageIO.read().withMaxEntryBytes(config.maxEntryBytes())
        .withSpreadShards(spreadShards(p.getOptions()))
        // Modules that cannot be judged in the reader wait for the vmlinux side input, complete only
        // when every package is read: the reader keeps of each .ko only what the analysis reads.
        .withModuleBytes(ModuleSlimmer::slim)
        // and of each kernel image only its outcome: the BTF is written out in the reader.
        .withKernelImageDigest(ExtractKernelBtfFn.readerDigest(blobs, config.caps()))
        // and of each module that waits for the side input only where its bytes are stored.
        .withPassedOnModuleDigest(AnalyzeModuleFn.waitingDigest(blobs));
    if (againstKey == null && judgeInReader) {
      // A package that carries its modules' vmlinux has them judged as it is read (those listed
      // before the vmlinux at its end), so they never wait: memory follows the packages being
      // read, however many the run reads.
      reader = reader.withLocalAnalysis(new JudgeWhileReading(config.normalization(), config.rebase(), config.caps(), blobs),
          Map.of(ScanTags.MODULES_REPORT, modulesReport.runSpiller(), ScanTags.MISMATCHES_REPORT, mismatchesReport.runSpiller()));
    }
    PCollectionTuple read = p
        .apply("Inputs", Create.of(config.inputs()).withCoder(StringUtf8Coder.of()))
        .apply("Read packages", reader);
    PCollection<KernelFile> files = read.get(KernelPackageIO.KERNEL_FILES);

    PCollectionTuple kernels = files
        .apply("Kernel images", Filter.by((KernelFile f) -> f.kind() == KernelFileKind.KERNEL_IMAGE))
        .apply("Extract vmlinux BTF", ParDo.of(new ExtractKernelBtfFn(blobs, config.caps()))
            .withOutputTags(ScanTags.KERNEL_ROWS, TupleTagList.of(ScanTags.KERNEL_BTF).and(ScanTags.OWN_KERNEL_BTF)
                .and(ScanTags.KERNEL_WITHOUT_BTF)));
    KvCoder<String, KernelBtf> kernelCoder = KvCoder.of(StringUtf8Coder.of(), KernelBtf.Coder.INSTANCE);
    kernels.get(ScanTags.KERNEL_BTF).setCoder(kernelCoder);
    kernels.get(ScanTags.OWN_KERNEL_BTF).setCoder(kernelCoder);

    PCollection<KV<String, KernelBtf>> byRelease = kernels.get(ScanTags.KERNEL_BTF)
        .apply("One vmlinux per release", Combine.perKey(new FirstBySource()));
    PCollection<KV<String, KernelBtf>> byPackage = kernels.get(ScanTags.OWN_KERNEL_BTF)
        .apply("One vmlinux per package and release", Combine.perKey(new FirstInPackage()));
    PCollectionList<KV<String, KernelBtf>> allBases = PCollectionList.of(byRelease).and(byPackage);
    if (againstFile != null) {
      allBases = allBases.and(p.apply("Against file", Create.of(KV.of(AGAINST_FILE_KEY, againstFile)).withCoder(kernelCoder)));
    }
    PCollectionView<Map<String, KernelBtf>> baseView = allBases
        .apply("All bases", Flatten.pCollections())
        .apply("Bases by key", View.asMap());
    // For a module left without a vmlinux: the image of its release that was there and gave none
    // (the first by where it is, so the choice never depends on arrival order).
    PCollectionView<Map<String, String>> withoutBtfView = kernels.get(ScanTags.KERNEL_WITHOUT_BTF)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("One image without BTF per release", Combine.perKey(
            (SerializableBiFunction<String, String, String>) (a, b) -> a.compareTo(b) <= 0 ? a : b))
        .apply("Images without BTF by release", View.asMap());
    PCollectionView<List<KnownKernel>> knownView = byRelease
        .apply("Fingerprints", MapElements.into(TypeDescriptor.of(KnownKernel.class)).via(ScanPipeline::fingerprint))
        .setCoder(SerializableCoder.of(KnownKernel.class))
        .apply("All fingerprints", View.asList());

    PCollectionTuple modules = files
        .apply("Modules", Filter.by((KernelFile f) -> f.kind() == KernelFileKind.MODULE))
        .apply("Analyze modules", ParDo.of(new AnalyzeModuleFn(baseView, knownView, withoutBtfView, againstKey, config.normalization(),
            config.rebase(), config.caps(), blobs))
            .withSideInputs(baseView, knownView, withoutBtfView)
            .withOutputTags(ScanTags.MODULE_ROWS, TupleTagList.of(ScanTags.MISMATCH_ROWS)));
    // The rows judged in the reader arrive as sorted runs it spilled (KernelPackageIO.LOCAL_RUNS),
    // merged with the runs of the pipeline's rows into each report.
    PCollection<KV<String, String>> judgedInReader = read.get(KernelPackageIO.LOCAL_RUNS);
    PCollection<String> moduleRows = modules.get(ScanTags.MODULE_ROWS);
    PCollection<String> mismatchRows = modules.get(ScanTags.MISMATCH_ROWS);
    PCollectionList.of(moduleRows.apply("Spill modules", modulesReport.spillRuns()))
        .and(runsOf(judgedInReader, ScanTags.MODULES_REPORT, "modules"))
        .apply("All module runs", Flatten.pCollections())
        .apply("Write modules", modulesReport.mergeRuns());
    PCollectionList.of(mismatchRows.apply("Spill mismatches", mismatchesReport.spillRuns()))
        .and(runsOf(judgedInReader, ScanTags.MISMATCHES_REPORT, "mismatches"))
        .apply("All mismatch runs", Flatten.pCollections())
        .apply("Write mismatches", mismatchesReport.mergeRuns());
    kernels.get(ScanTags.KERNEL_ROWS).apply("Write kernels", WriteSortedLines.to(root + KERNELS));
    read.get(KernelPackageIO.SUMMARIES)
        .apply("Package rows", ParDo.of(new PackageRowFn()))
        .apply("Write packages", WriteSortedLines.to(root + PACKAGES));
    return new Rows(moduleRows, mismatchRows, kernels.get(ScanTags.KERNEL_ROWS));
  }

  /** The runs of one report among those the reader spilled. */
  private static PCollection<String> runsOf(PCollection<KV<String, String>> runs, String report, String name) {
    return runs
        .apply("Judged in reader: " + name, Filter.by((KV<String, String> kv) -> kv.getKey().equals(report)))
        .apply("Runs: " + name, Values.create());
  }

  /** Names the build a split module came from: a scanned vmlinux's (types, strings). */
  static KnownKernel fingerprint(KV<String, KernelBtf> kv) {
    return kv.getValue().fingerprint();
  }

  /** The summary, from the rows as written. */
  /**
   * Two images of one release (a vmlinuz and a raw .btf, or the same package twice): keep the one
   * whose source sorts first, so the choice never depends on arrival order.
   */
  static final class FirstBySource implements SerializableBiFunction<KernelBtf, KernelBtf, KernelBtf> {
    private static final long serialVersionUID = 1L;

    @Override
    public KernelBtf apply(KernelBtf a, KernelBtf b) {
      return a.source().compareTo(b.source()) <= 0 ? a : b;
    }
  }

  /**
   * Two images of one release in one package (a vmlinuz and a debug vmlinux): the package's own is
   * the first in archive order, as the reader sees them (see {@code JudgeWhileReading}).
   */
  static final class FirstInPackage implements SerializableBiFunction<KernelBtf, KernelBtf, KernelBtf> {
    private static final long serialVersionUID = 1L;

    @Override
    public KernelBtf apply(KernelBtf a, KernelBtf b) {
      return a.entry() < b.entry() || (a.entry() == b.entry() && a.source().compareTo(b.source()) <= 0) ? a : b;
    }
  }
}
