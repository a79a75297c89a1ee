package dev.btfscan.transforms;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.report.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.KV;

/**
 * Judges a package's modules while the package is read, against the vmlinux the package itself
 * carries for their release: what {@link AnalyzeModuleFn} would decide, without waiting for every
 * package of the run to be read first (see {@link LocalAnalysis} for why).
 *
 * <p>Exact by construction: it runs the same {@link ModuleAnalysis} on the same file, against the
 * same base the pipeline's way would pick ({@link BaseSource}: the package's own vmlinux of the
 * release, the first in archive order), and keeps the result only when nothing outside the
 * package could change it: the package had the base, and the result did not look among the other
 * scanned kernels (a split module built on another vmlinux is attributed and rebased across all of
 * them). Everything else, and every module read before its vmlinux, takes the pipeline's way.
 * Not used with {@code --against}: the base then comes from outside the package.
 */
public final class JudgeWhileReading implements LocalAnalysis {
  private static final long serialVersionUID = 1L;

  private final ModuleAnalysis analysis;
  private final BlobWriter blobs;

  public JudgeWhileReading(Normalization normalization, boolean rebase, BlobWriter blobs) {
    this.analysis = new ModuleAnalysis(normalization, rebase);
    this.blobs = blobs;
  }

  @Override
  public Session open(String packageName) {
    return new PackageSession();
  }

  private final class PackageSession implements Session {
    /** The package's own vmlinux per release: the first image of that release with BTF. */
    private final Map<String, KernelBtf> own = new HashMap<>();

    @Override
    public void kernelImage(KernelFile image) {
      KernelBtf k = KernelImageBtf.extract(image).matchable();
      if (k != null) {
        own.putIfAbsent(k.release(), k);
      }
    }

    @Override
    public List<KV<String, String>> module(KernelFile module) {
      if (own.isEmpty()) {
        return List.of();
      }
      PackageBases bases = new PackageBases(own);
      ModuleAnalysis.Outcome out = analysis.analyze(module, bases, List.of());
      if (bases.lookedOutside || !out.decidedByBaseAlone()) {
        return List.of();
      }
      ModuleRows.count(out);
      if (out.blob() != null) {
        blobs.write(out.blobPath(), out.blob());
      }
      List<KV<String, String>> lines = new ArrayList<>(2);
      lines.add(KV.of(ScanTags.MODULES_REPORT, Json.line(out.row())));
      if (out.mismatchRow() != null) {
        lines.add(KV.of(ScanTags.MISMATCHES_REPORT, Json.line(out.mismatchRow())));
      }
      return lines;
    }
  }

  /** The package's own kernels; notes when the analysis wanted anything else. */
  private static final class PackageBases implements BaseSource {
    private final Map<String, KernelBtf> own;
    boolean lookedOutside;

    PackageBases(Map<String, KernelBtf> own) {
      this.own = own;
    }

    @Override
    public KernelBtf baseFor(String packageName, String release) {
      KernelBtf k = own.get(release);
      if (k == null) {
        lookedOutside = true; // another package may carry this release's vmlinux
      }
      return k;
    }

    @Override
    public KernelBtf ofRelease(String release) {
      lookedOutside = true; // the release's vmlinux is chosen among every input
      return own.get(release);
    }
  }
}
