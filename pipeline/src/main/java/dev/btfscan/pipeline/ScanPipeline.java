package dev.btfscan.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.elf.ModuleSlimmer;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.KernelPackageIO;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.report.Json;
import dev.btfscan.report.Summary;
import dev.btfscan.transforms.AnalyzeModuleFn;
import dev.btfscan.transforms.BlobWriter;
import dev.btfscan.transforms.ExtractKernelBtfFn;
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
import java.util.ArrayList;
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

  private ScanPipeline() {}

  /** Runs the scan, writes OUT atomically, prints the summary; returns the process exit code. */
  public static int run(ScanConfig config) throws IOException {
    return run(config, options(config), System.out, System.err);
  }

  static int run(ScanConfig config, PipelineOptions options, PrintStream out, PrintStream err) throws IOException {
    ScanReports reports = ScanReports.prepare(config.baseline());
    KernelBtf againstFile = AgainstKernel.load(config.against());
    OutputDirectory dir = OutputDirectory.prepare(Path.of(config.output()));
    Summary summary;
    try {
      Pipeline p = Pipeline.create(options);
      build(p, config, againstFile, dir.staging().toString());
      PipelineResult result = p.run();
      Progress.follow(result, config.quiet() ? null : err);
      summary = summarize(dir.staging());
      Files.writeString(dir.staging().resolve(SUMMARY),
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary.toJson()) + "\n", StandardCharsets.UTF_8);
      reports.write(dir.staging());
    } catch (IOException | RuntimeException e) {
      // A failed run leaves the previous OUT as it was and no staging directory behind.
      dir.abort();
      throw e;
    }
    dir.commit();
    out.print(summary.toText());
    out.println("Reports in " + dir.target());
    return Gates.exitCode(summary, config.failOn(), err);
  }

  static PipelineOptions options(ScanConfig config) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(config.beamArgs().toArray(new String[0]))
        .withValidation().create();
    options.setJobName("btf-scan");
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      // The DirectRunner's immutability and encodability checks cost ~5x on large byte[]
      // elements (research notes); tests keep them on, real runs need not.
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
      if (!config.beamArgs().stream().anyMatch(a -> a.startsWith("--targetParallelism"))) {
        direct.setTargetParallelism(Runtime.getRuntime().availableProcessors());
      }
    }
    return options;
  }

  /** The report rows as collections, for tests to assert on before they are written. */
  record Rows(PCollection<String> modules, PCollection<String> mismatches, PCollection<String> kernels) {}

  /** Adds the scan to {@code p}, writing every report under {@code staging}. */
  static Rows build(Pipeline p, ScanConfig config, KernelBtf againstFile, String staging) {
    String root = staging.endsWith("/") ? staging : staging + "/";
    BlobWriter blobs = new BlobWriter(root);
    PCollectionTuple read = p
        .apply("Inputs", Create.of(config.inputs()).withCoder(StringUtf8Coder.of()))
        // Modules wait for the vmlinux side input, complete only when every package is read: the
        // reader keeps of each .ko only what the analysis reads, so memory follows BTF, not .ko size.
        .apply("Read packages", KernelPackageIO.read().withMaxEntryBytes(config.maxEntryBytes())
            .withModuleBytes(ModuleSlimmer::slim));
    PCollection<KernelFile> files = read.get(KernelPackageIO.KERNEL_FILES);

    PCollectionTuple kernels = files
        .apply("Kernel images", Filter.by((KernelFile f) -> f.kind() == KernelFileKind.KERNEL_IMAGE))
        .apply("Extract vmlinux BTF", ParDo.of(new ExtractKernelBtfFn(blobs))
            .withOutputTags(ScanTags.KERNEL_ROWS, TupleTagList.of(ScanTags.KERNEL_BTF)));
    kernels.get(ScanTags.KERNEL_BTF).setCoder(KvCoder.of(StringUtf8Coder.of(), KernelBtf.Coder.INSTANCE));

    PCollection<KV<String, KernelBtf>> byRelease = kernels.get(ScanTags.KERNEL_BTF)
        .apply("One vmlinux per release", Combine.perKey(new FirstBySource()));
    PCollection<KV<String, KernelBtf>> bases = byRelease;
    if (againstFile != null) {
      PCollection<KV<String, KernelBtf>> extra = p.apply("Against file",
          Create.of(KV.of(AGAINST_FILE_KEY, againstFile)).withCoder(KvCoder.of(StringUtf8Coder.of(), KernelBtf.Coder.INSTANCE)));
      bases = PCollectionList.of(byRelease).and(extra).apply("With --against", Flatten.pCollections());
    }
    PCollectionView<Map<String, KernelBtf>> baseView = bases.apply("Bases by release", View.asMap());
    PCollectionView<List<KnownKernel>> knownView = byRelease
        .apply("Fingerprints", MapElements.into(TypeDescriptor.of(KnownKernel.class)).via(ScanPipeline::fingerprint))
        .setCoder(SerializableCoder.of(KnownKernel.class))
        .apply("All fingerprints", View.asList());

    String againstKey = againstFile != null ? AGAINST_FILE_KEY : config.against();
    PCollectionTuple modules = files
        .apply("Modules", Filter.by((KernelFile f) -> f.kind() == KernelFileKind.MODULE))
        .apply("Analyze modules", ParDo.of(new AnalyzeModuleFn(baseView, knownView, againstKey, config.normalization(), config.rebase(), blobs))
            .withSideInputs(baseView, knownView)
            .withOutputTags(ScanTags.MODULE_ROWS, TupleTagList.of(ScanTags.MISMATCH_ROWS)));

    modules.get(ScanTags.MODULE_ROWS).apply("Write modules", WriteSortedLines.to(root + MODULES));
    modules.get(ScanTags.MISMATCH_ROWS).apply("Write mismatches", WriteSortedLines.to(root + MISMATCHES));
    kernels.get(ScanTags.KERNEL_ROWS).apply("Write kernels", WriteSortedLines.to(root + KERNELS));
    read.get(KernelPackageIO.SUMMARIES)
        .apply("Package rows", ParDo.of(new PackageRowFn()))
        .apply("Write packages", WriteSortedLines.to(root + PACKAGES));
    return new Rows(modules.get(ScanTags.MODULE_ROWS), modules.get(ScanTags.MISMATCH_ROWS), kernels.get(ScanTags.KERNEL_ROWS));
  }

  /** Names the build a split module came from: a scanned vmlinux's (types, strings). */
  static KnownKernel fingerprint(KV<String, KernelBtf> kv) {
    return kv.getValue().fingerprint();
  }

  /** The summary, from the rows as written. */
  static Summary summarize(Path staging) throws IOException {
    Summary s = new Summary();
    for (String line : Files.readAllLines(staging.resolve(MODULES), StandardCharsets.UTF_8)) {
      s.addModule(Json.parse(line));
    }
    for (String line : Files.readAllLines(staging.resolve(KERNELS), StandardCharsets.UTF_8)) {
      s.addKernel(Json.parse(line));
    }
    for (String line : Files.readAllLines(staging.resolve(PACKAGES), StandardCharsets.UTF_8)) {
      JsonNode p = Json.parse(line);
      List<String> problems = new ArrayList<>();
      p.path("problems").forEach(x -> problems.add(x.asText()));
      s.addPackage(p.path("package").asText(), p.path("format").asText(), p.path("entries").asLong(),
          p.path("modules").asLong(), problems);
    }
    return s;
  }

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
}
