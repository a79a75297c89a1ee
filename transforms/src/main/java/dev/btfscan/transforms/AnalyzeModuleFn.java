package dev.btfscan.transforms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.analysis.KernelBase;
import dev.btfscan.analysis.Kernels;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.analysis.ModuleAnalyzer;
import dev.btfscan.analysis.ModuleBtf;
import dev.btfscan.analysis.ModuleResult;
import dev.btfscan.analysis.Verdict;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.sink.BlobPaths;
import dev.btfscan.report.Json;
import dev.btfscan.report.ModuleLocation;
import dev.btfscan.report.ModuleRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Analyzes one module file: decompress, read its ELF, pick its base (its own release's vmlinux, or
 * the {@code --against} one), decide the verdict, write the normalized blob, emit the report rows.
 * Whatever the bytes, the module leaves exactly one {@code modules.jsonl} row.
 */
public final class AnalyzeModuleFn extends DoFn<KernelFile, String> {
  private static final long serialVersionUID = 1L;

  private final Counter modules = Metrics.counter(AnalyzeModuleFn.class, "modules");
  private final Counter moduleBytes = Metrics.counter(AnalyzeModuleFn.class, "module-bytes");
  private final PCollectionView<Map<String, KernelBtf>> bases;
  private final PCollectionView<List<KnownKernel>> scanned;
  private final String againstKey;
  private final Normalization normalization;
  private final boolean rebase;
  private final BlobWriter blobs;

  /**
   * @param againstKey the key of the base every module is checked against, or {@code null} to use
   *     each module's own release
   */
  public AnalyzeModuleFn(
      PCollectionView<Map<String, KernelBtf>> bases,
      PCollectionView<List<KnownKernel>> scanned,
      String againstKey,
      Normalization normalization,
      boolean rebase,
      BlobWriter blobs) {
    this.rebase = rebase;
    this.bases = bases;
    this.scanned = scanned;
    this.againstKey = againstKey;
    this.normalization = normalization;
    this.blobs = blobs;
  }

  @ProcessElement
  public void process(ProcessContext c) {
    KernelFile f = c.element();
    modules.inc();
    moduleBytes.inc(f.size());
    Outcome out = analyze(f, c.sideInput(bases), c.sideInput(scanned));
    if (out.blob() != null) {
      // Outside analyze(): failing to write output is the run's failure, not the module's.
      blobs.write(out.blobPath(), out.blob());
    }
    c.output(Json.line(out.row()));
    String verdict = out.row().path("verdict").asText();
    Metrics.counter(AnalyzeModuleFn.class, "verdict-" + verdict).inc();
    if (out.mismatchRow() != null) {
      c.output(ScanTags.MISMATCH_ROWS, Json.line(out.mismatchRow()));
    }
  }

  /** The rows, and the blob to write at the path the row names. */
  private record Outcome(ObjectNode row, ObjectNode mismatchRow, String blobPath, byte[] blob) {
    /** A module that could not be analyzed: invalid, so also a mismatches row (without references). */
    static Outcome unreadable(ObjectNode row) {
      ObjectNode m = row.deepCopy();
      m.putNull("references");
      return new Outcome(row, m, null, null);
    }

    static Outcome of(ModuleLocation at, ModuleResult r, String blobPath) {
      ObjectNode row = ModuleRow.of(at, r, blobPath);
      boolean bad = r.verdict() == Verdict.MISMATCH || r.verdict() == Verdict.INVALID;
      return new Outcome(row, bad ? ModuleRow.mismatch(row, r) : null, blobPath, r.blob());
    }
  }

  private Outcome analyze(KernelFile f, Map<String, KernelBtf> baseMap, List<KnownKernel> known) {
    List<String> problems = new ArrayList<>(f.problems());
    if (f.unsafeReason() != null) {
      problems.add("unsafe entry name '" + f.rawName() + "': " + f.unsafeReason() + "; reported as " + f.path());
    }
    String pathRelease = f.release() == null ? "" : f.release();
    ModuleLocation at = new ModuleLocation(f.packageName(), f.path(), f.moduleName(), pathRelease, "", "");
    if (f.bytes() == null) {
      return Outcome.unreadable(ModuleRow.unreadable(at, problems));
    }
    try {
      ModuleImage image = ModuleImage.fromStored(f.bytes());
      String release = pathRelease;
      // The kernel that will load the module is the one whose tree it is installed in; vermagic
      // says what it was built for. The path decides, a disagreement is reported.
      String vermagic = image.modinfo().release().orElse("");
      if (!pathRelease.isEmpty() && !vermagic.isEmpty() && !pathRelease.equals(vermagic)) {
        problems.add("vermagic release " + vermagic + " disagrees with the path's release " + pathRelease);
      }
      if (release.isEmpty()) {
        release = vermagic;
      }
      String name = image.modinfo().name().orElse(at.module());
      at = new ModuleLocation(f.packageName(), f.path(), name, release, image.machine(), image.compression().displayName());
      KernelBtf kernel = baseMap.get(againstKey != null ? againstKey : release);
      KernelBase base = kernel == null ? null : BaseCache.get(kernel);
      if (kernel == null && againstKey != null) {
        problems.add("--against " + againstKey + ": no such kernel among the inputs");
      }
      ModuleResult r = new ModuleAnalyzer(known, kernelsOf(baseMap), normalization, rebase)
          .analyze(new ModuleBtf(image.btf().orElse(null), image.btfBase().orElse(null)), base);
      r = r.withProblemsFirst(problems);
      // A later entry of the same name gets its own blob (named also by its bytes), never the first one's.
      String blob = r.blob() == null ? null : f.isDuplicate()
          ? BlobPaths.ofDuplicate(release, f.packageName(), f.path(), Sha256.hex(f.bytes()).substring(0, 12))
          : BlobPaths.of(release, f.packageName(), f.path());
      return Outcome.of(at, r, blob);
    } catch (Exception e) {
      // Damaged input (or a bug) becomes a row with its reason, never a failed bundle.
      problems.add(describe(e));
      return Outcome.unreadable(ModuleRow.unreadable(at, problems));
    }
  }

  /** The side input's kernels, parsed and indexed once per worker through {@link BaseCache}. */
  private static Kernels kernelsOf(Map<String, KernelBtf> baseMap) {
    return new Kernels() {
      @Override
      public KernelBase byRelease(String release) {
        KernelBtf k = baseMap.get(release);
        try {
          return k == null ? null : BaseCache.get(k);
        } catch (BtfFormatException e) {
          return null; // its kernels.jsonl row already says why
        }
      }

      @Override
      public BaseIndex index(KernelBase base) {
        return BaseCache.index(base);
      }
    };
  }

  static String describe(Exception e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e instanceof RuntimeException ? "internal error (" + e.getClass().getSimpleName() + "): " + msg : msg;
  }
}
