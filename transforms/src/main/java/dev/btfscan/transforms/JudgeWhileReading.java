package dev.btfscan.transforms;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.report.Json;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *
 * <p>A kernel image's BTF is extracted off the reader's thread (decompressing an xz vmlinuz takes
 * a core for about a second): the reader goes on through the archive meanwhile, so the payload's
 * blocks keep decoding on the other cores, and the modules of a release whose image is still being
 * extracted are held, up to {@link #HELD_WHILE_EXTRACTING_BYTES}, and judged as soon as it is done. One image per
 * package is extracted at a time, so memory holds no more images than before. The results are
 * the same: a release's base is still the first image of the release in archive order, and a held
 * module is judged against exactly what it would have met at the package's end.
 */
public final class JudgeWhileReading implements LocalAnalysis {
  private static final long serialVersionUID = 1L;

  /** Bytes of modules one package may hold for its end (slimmed modules: BTF-sized). */
  static final long HELD_BYTES = 128L << 20;

  /**
   * Bytes of modules one package may hold while its image is extracted, before the reader waits for
   * the extraction: enough for the second or two the extraction takes (slimmed modules), without
   * letting the overlap hold as much as {@link #HELD_BYTES}.
   */
  static final long HELD_WHILE_EXTRACTING_BYTES = 32L << 20;

  /** Extracts kernel images' BTF for the sessions: at most one task per package being read. */
  private static final ExecutorService EXTRACTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "btfscan-vmlinux");
    t.setDaemon(true);
    return t;
  });

  private final Counter judgedInReader = Metrics.counter(JudgeWhileReading.class, "modules-judged-in-reader");
  private final ModuleAnalysis analysis;
  private final long heldBytes;
  private final BlobWriter blobs;
  /** Where images are extracted: {@link #EXTRACTOR} unless a test says otherwise (not serialized). */
  private final transient ExecutorService extractor;

  public JudgeWhileReading(Normalization normalization, boolean rebase, BlobWriter blobs) {
    this(normalization, rebase, blobs, HELD_BYTES, null);
  }

  /**
   * @param heldBytes bytes of modules one package may hold for its end
   * @param extractor runs the kernel images' extractions (null: {@link #EXTRACTOR})
   */
  JudgeWhileReading(Normalization normalization, boolean rebase, BlobWriter blobs, long heldBytes,
      ExecutorService extractor) {
    this.analysis = new ModuleAnalysis(normalization, rebase);
    this.blobs = blobs;
    this.heldBytes = heldBytes;
    this.extractor = extractor;
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
    /** The image whose BTF is being extracted, the package's last so far; null when none is. */
    private Future<KernelImageBtf> extracting;
    /** {@link #own} gained a release since the held modules were last tried. */
    private boolean ownGrew;

    @Override
    public void kernelImage(KernelFile image) {
      awaitExtraction(); // one at a time, and `own` filled in archive order
      extracting = (extractor != null ? extractor : EXTRACTOR).submit(() -> KernelImageBtf.extract(image));
    }

    @Override
    public void module(KernelFile module, Output out) {
      if (extracting != null && extracting.isDone()) {
        awaitExtraction();
      }
      judgeHeld(out);
      Missing missing = baseSeen(module) ? judge(module, out) : Missing.BASE;
      if (missing == Missing.OTHER_KERNELS) {
        out.passOn(module);
      }
      if (missing != Missing.BASE) {
        return;
      }
      hold(module);
      if (extracting != null && holding > Math.min(heldBytes, HELD_WHILE_EXTRACTING_BYTES)) {
        // the image being extracted may be their base: wait for it rather than hold more
        awaitExtraction();
        judgeHeld(out);
      }
      while (holding > heldBytes && !held.isEmpty()) {
        KernelFile oldest = held.poll();
        holding -= size(oldest);
        out.passOn(oldest);
      }
    }

    @Override
    public void finish(Output out) {
      awaitExtraction();
      for (KernelFile module : held) {
        if (own.isEmpty() || judge(module, out) != Missing.NOTHING) {
          out.passOn(module);
        }
      }
      held.clear();
      holding = 0;
    }

    /**
     * Whether the module's base may be known: the path's release decides (vermagic only when the
     * path names none). Without its vmlinux yet, the module is held unread rather than analysed
     * now and again later.
     */
    private boolean baseSeen(KernelFile module) {
      return module.release() == null ? !own.isEmpty() : own.containsKey(module.release());
    }

    private void hold(KernelFile module) {
      held.add(module);
      holding += size(module);
    }

    /** Waits for the image being extracted, if any, and makes its BTF the base of its release unless one came first. */
    private void awaitExtraction() {
      if (extracting == null) {
        return;
      }
      KernelImageBtf image = result(extracting);
      extracting = null;
      KernelBtf k = image.matchable();
      if (k != null && own.putIfAbsent(k.release(), k) == null) {
        ownGrew = true;
      }
    }

    /**
     * Judges again the held modules, in order, once {@link #own} has grown: each is judged, passed
     * on, or held still, as {@link #finish} would do with it (a release's base never changes once
     * set, so judging now or at the end gives the same lines).
     */
    private void judgeHeld(Output out) {
      if (!ownGrew) {
        return;
      }
      ownGrew = false;
      int n = held.size();
      for (int i = 0; i < n; i++) {
        KernelFile module = held.poll();
        holding -= size(module);
        Missing missing = baseSeen(module) ? judge(module, out) : Missing.BASE;
        if (missing == Missing.OTHER_KERNELS) {
          out.passOn(module);
        } else if (missing == Missing.BASE) {
          hold(module);
        }
      }
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

  private static long size(KernelFile module) {
    return module.bytes() == null ? 0 : module.bytes().length;
  }

  /** The extraction's result, its failure rethrown on the reader's thread as if it had run there. */
  private static KernelImageBtf result(Future<KernelImageBtf> extraction) {
    try {
      return extraction.get();
    } catch (InterruptedException e) {
      extraction.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a kernel image's BTF was extracted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause); // extract throws nothing checked
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
