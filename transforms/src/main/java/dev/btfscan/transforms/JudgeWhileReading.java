package dev.btfscan.transforms;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.report.Json;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

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
 * them). Those take the pipeline's way.
 *
 * <p>A module read before its release's vmlinux (Fedora's kernel-core lists
 * {@code lib/modules/R/kernel/...} before {@code lib/modules/R/vmlinuz}) is held until the package
 * ends, up to {@link #HELD_BYTES} per package (beyond it the oldest go on their way), and judged
 * then if the package turned out to carry its vmlinux. Not used with {@code --against}: the base
 * then comes from outside the package.
 */
public final class JudgeWhileReading implements LocalAnalysis {
  private static final long serialVersionUID = 1L;

  /** Bytes of modules one package may hold for its end (slimmed modules: BTF-sized). */
  static final long HELD_BYTES = 128L << 20;

  private final Counter judgedInReader = Metrics.counter(JudgeWhileReading.class, "modules-judged-in-reader");
  private final ModuleAnalysis analysis;
  private final long heldBytes;
  private final BlobWriter blobs;

  public JudgeWhileReading(Normalization normalization, boolean rebase, BlobWriter blobs) {
    this(normalization, rebase, blobs, HELD_BYTES);
  }

  /** @param heldBytes bytes of modules one package may hold for its end */
  JudgeWhileReading(Normalization normalization, boolean rebase, BlobWriter blobs, long heldBytes) {
    this.analysis = new ModuleAnalysis(normalization, rebase);
    this.blobs = blobs;
    this.heldBytes = heldBytes;
  }

  @Override
  public Session open(String packageName) {
    return new PackageSession();
  }

  private final class PackageSession implements Session {
    /** The package's own vmlinux per release: the first image of that release with BTF. */
    private final Map<String, KernelBtf> own = new HashMap<>();
    /** Modules waiting for a vmlinux the package may still hold, in archive order. */
    private final ArrayDeque<KernelFile> held = new ArrayDeque<>();
    private long holding;

    @Override
    public void kernelImage(KernelFile image) {
      KernelBtf k = KernelImageBtf.extract(image).matchable();
      if (k != null) {
        own.putIfAbsent(k.release(), k);
      }
    }

    @Override
    public void module(KernelFile module, Output out) {
      // The path's release decides (vermagic only when the path names none): without its vmlinux
      // yet, hold the module unread rather than analyse it now and again at the end.
      boolean baseSeen = module.release() == null ? !own.isEmpty() : own.containsKey(module.release());
      Missing missing = baseSeen ? judge(module, out) : Missing.BASE;
      if (missing == Missing.OTHER_KERNELS) {
        out.passOn(module);
      }
      if (missing != Missing.BASE) {
        return;
      }
      held.add(module);
      holding += module.bytes() == null ? 0 : module.bytes().length;
      while (holding > heldBytes && !held.isEmpty()) {
        KernelFile oldest = held.poll();
        holding -= oldest.bytes() == null ? 0 : oldest.bytes().length;
        out.passOn(oldest);
      }
    }

    @Override
    public void finish(Output out) {
      for (KernelFile module : held) {
        if (own.isEmpty() || judge(module, out) != Missing.NOTHING) {
          out.passOn(module);
        }
      }
      held.clear();
      holding = 0;
    }

    /** Judges {@code module} if the package alone decides it (then its lines are out), else says what it lacks. */
    private Missing judge(KernelFile module, Output out) {
      PackageBases bases = new PackageBases(own);
      ModuleAnalysis.Outcome result = analysis.analyze(module, bases, List.of());
      if (bases.missing != Missing.NOTHING) {
        return bases.missing;
      }
      if (!result.decidedByBaseAlone()) {
        return Missing.OTHER_KERNELS;
      }
      ModuleRows.count(result);
      judgedInReader.inc();
      if (result.blob() != null) {
        blobs.write(result.blobPath(), result.blob());
      }
      out.line(ScanTags.MODULES_REPORT, Json.line(result.row()));
      if (result.mismatchRow() != null) {
        out.line(ScanTags.MISMATCHES_REPORT, Json.line(result.mismatchRow()));
      }
      return Missing.NOTHING;
    }
  }

  /** What a module's judgement needed that the package did not (yet) give. */
  private enum Missing {
    NOTHING,
    /** Its release's vmlinux: the package may still hold it. */
    BASE,
    /** Every scanned kernel: only the pipeline's way has them. */
    OTHER_KERNELS
  }

  /** The package's own kernels; notes when the analysis wanted anything else. */
  private static final class PackageBases implements BaseSource {
    private final Map<String, KernelBtf> own;
    Missing missing = Missing.NOTHING;

    PackageBases(Map<String, KernelBtf> own) {
      this.own = own;
    }

    @Override
    public KernelBtf baseFor(String packageName, String release) {
      KernelBtf k = own.get(release);
      if (k == null) {
        missing = Missing.BASE; // later in the package, or in another package
      }
      return k;
    }

    @Override
    public KernelBtf ofRelease(String release) {
      missing = Missing.OTHER_KERNELS; // the release's vmlinux is chosen among every input
      return own.get(release);
    }
  }
}
