package dev.btfscan.transforms;

import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.report.Json;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.beam.sdk.metrics.Counter;

/**
 * One package's {@link JudgeWhileReading} session, fed by the reader in archive order.
 *
 * <ul>
 *   <li>A kernel image starts its extraction on the extractor (at most {@link #IMAGES_IN_FLIGHT}
 *       at once) and is taken, in archive order, once its extraction has ended: at the next
 *       module, or at the package's end. "The package's vmlinux of a release" is the first image of
 *       that release with BTF, exactly as if each had been extracted on the spot.
 *   <li>A module whose release has a vmlinux taken is judged on the judges (at most {@link
 *       #MODULES_IN_FLIGHT} or {@link #BYTES_IN_FLIGHT} at once); its lines are sent, in archive
 *       order, once its judgement has ended: after each module, and at the package's end.
 *   <li>A module whose release has none yet (Fedora's kernel-core lists {@code
 *       lib/modules/R/kernel/...} before {@code lib/modules/R/vmlinuz}; Debian's modules follow a
 *       vmlinuz still being extracted) is held, up to the held bound (beyond it the oldest go on
 *       their way), and judged as soon as a vmlinux of its release is taken, or passed on at the
 *       package's end.
 * </ul>
 *
 * <p>Holding and judging later change no result: a module's base is its release's first image,
 * which no later image replaces, and a judgement that found no base with the images of its time
 * is made again with those of a later time, as the package's end would have. A judgement reads an
 * immutable copy of the vmlinux map; the map itself, the held modules and everything sent stay on
 * the reader's thread.
 */
final class PackageJudging implements LocalAnalysis.Session {
  /**
   * Kernel images of one package being extracted at once: one, as when the reader extracted them
   * itself (each holds its image and its decompressed vmlinux, up to hundreds of MB), so a package
   * of many images waits for each in turn.
   */
  static final int IMAGES_IN_FLIGHT = 1;
  /** Modules of one package being judged at once, and their bytes: a few cores' worth of work ahead. */
  static final int MODULES_IN_FLIGHT = 64;
  static final long BYTES_IN_FLIGHT = 32L << 20;

  private final ModuleAnalysis analysis;
  /** What the package's kernel images are read within, as its modules are ({@link ModuleAnalysis}). */
  private final DecompressionCaps caps;
  private final BlobWriter blobs;
  private final long heldBytes;
  private final Executor extractor;
  private final Executor judges;
  private final Counter judgedInReader;

  /** The package's own vmlinux per release: the first image of that release with BTF. */
  private final Map<String, KernelBtf> own = new HashMap<>();
  /** An immutable copy of {@link #own}, what judgements read; replaced when an image is taken. */
  private Map<String, KernelBtf> ownCopy = Map.of();
  /** Kernel images being extracted, in archive order. */
  private final ArrayDeque<CompletableFuture<KernelImageBtf>> extracting = new ArrayDeque<>();
  /** Modules being judged, in archive order. */
  private final ArrayDeque<Judging> judging = new ArrayDeque<>();
  private long judgingBytes;
  /** Modules waiting for a vmlinux the package may still hold, in archive order. */
  private final ArrayDeque<KernelFile> held = new ArrayDeque<>();
  private long holding;

  PackageJudging(ModuleAnalysis analysis, DecompressionCaps caps, BlobWriter blobs, long heldBytes, Executor extractor,
      Executor judges, Counter judgedInReader) {
    this.analysis = analysis;
    this.caps = caps;
    this.blobs = blobs;
    this.heldBytes = heldBytes;
    this.extractor = extractor;
    this.judges = judges;
    this.judgedInReader = judgedInReader;
  }

  /** What a module's judgement needed that the package did not (yet) give. */
  private enum Missing {
    NOTHING,
    /** Its release's vmlinux: the package may still hold it. */
    BASE,
    /** Every scanned kernel: only the pipeline's way has them. */
    OTHER_KERNELS
  }

  /** A judgement: its outcome (its blob already written) and what it lacked, against which vmlinux map. */
  private record Judged(ModuleAnalysis.Outcome outcome, Missing missing, Map<String, KernelBtf> against) {}

  private record Judging(KernelFile module, CompletableFuture<Judged> judged) {}

  @Override
  public void kernelImage(KernelFile image) {
    if (extracting.size() >= IMAGES_IN_FLIGHT) {
      take(extracting.poll()); // bounded: wait for the oldest
    }
    extracting.add(CompletableFuture.supplyAsync(() -> KernelImageBtf.extract(image, caps), extractor));
  }

  @Override
  public void awaitImages() {
    takeExtracted(true);
  }

  @Override
  public void module(KernelFile module, LocalAnalysis.Output out) {
    if (takeExtracted(false)) {
      judgeHeld(out);
    }
    // The path's release decides (vermagic only when the path names none): without its vmlinux
    // yet, hold the module unread rather than analyse it now and again later.
    if (baseSeen(module)) {
      startJudging(module, out);
    } else {
      hold(module, out);
    }
    sendJudged(out, false);
  }

  @Override
  public void finish(LocalAnalysis.Output out) {
    takeExtracted(true);
    judgeHeld(out);
    sendJudged(out, true); // a judgement made before the last image was taken may start again
    for (KernelFile module : held) {
      out.passOn(module); // no vmlinux of its release in the package
    }
    held.clear();
    holding = 0;
  }

  private boolean baseSeen(KernelFile module) {
    return module.release() == null ? !own.isEmpty() : own.containsKey(module.release());
  }

  // ---- kernel images -------------------------------------------------------------------------

  /** Takes the images whose extraction ended (all of them if {@code all}) in archive order; true if any. */
  private boolean takeExtracted(boolean all) {
    boolean took = false;
    while (!extracting.isEmpty() && (all || extracting.peek().isDone())) {
      take(extracting.poll());
      took = true;
    }
    return took;
  }

  private void take(CompletableFuture<KernelImageBtf> extraction) {
    KernelBtf k = waitFor(extraction).matchable();
    if (k != null && own.putIfAbsent(k.release(), k) == null) {
      ownCopy = Map.copyOf(own);
    }
  }

  // ---- modules -------------------------------------------------------------------------------

  private void hold(KernelFile module, LocalAnalysis.Output out) {
    held.add(module);
    holding += bytesOf(module);
    while (holding > heldBytes && !held.isEmpty()) {
      KernelFile oldest = held.poll();
      holding -= bytesOf(oldest);
      out.passOn(oldest);
    }
  }

  /** Starts judging the held modules whose release now has its vmlinux; the rest stay held, in order. */
  private void judgeHeld(LocalAnalysis.Output out) {
    for (Iterator<KernelFile> it = held.iterator(); it.hasNext(); ) {
      KernelFile module = it.next();
      if (baseSeen(module)) {
        it.remove();
        holding -= bytesOf(module);
        startJudging(module, out);
      }
    }
  }

  private void startJudging(KernelFile module, LocalAnalysis.Output out) {
    long bytes = bytesOf(module);
    while (!judging.isEmpty() && (judging.size() >= MODULES_IN_FLIGHT || judgingBytes + bytes > BYTES_IN_FLIGHT)) {
      send(judging.poll(), out); // bounded: wait for the oldest
    }
    Map<String, KernelBtf> against = ownCopy;
    judging.add(new Judging(module, CompletableFuture.supplyAsync(() -> judge(module, against), judges)));
    judgingBytes += bytes;
  }

  /** Sends the judgements that ended (all of them if {@code all}), in archive order. */
  private void sendJudged(LocalAnalysis.Output out, boolean all) {
    while (!judging.isEmpty() && (all || judging.peek().judged().isDone())) {
      send(judging.poll(), out);
    }
  }

  private void send(Judging j, LocalAnalysis.Output out) {
    judgingBytes -= bytesOf(j.module());
    Judged judged = waitFor(j.judged());
    switch (judged.missing()) {
      case NOTHING:
        ModuleRows.count(judged.outcome());
        judgedInReader.inc();
        out.line(ScanTags.MODULES_REPORT, Json.line(judged.outcome().row()));
        if (judged.outcome().mismatchRow() != null) {
          out.line(ScanTags.MISMATCHES_REPORT, Json.line(judged.outcome().mismatchRow()));
        }
        break;
      case OTHER_KERNELS:
        out.passOn(j.module());
        break;
      case BASE:
        // judged with the images of its time: again with today's if an image was taken since
        // (startJudging may send in turn, at most as deep as the modules in flight)
        if (judged.against() != ownCopy) {
          startJudging(j.module(), out);
        } else {
          hold(j.module(), out);
        }
        break;
      default:
        throw new AssertionError(judged.missing());
    }
  }

  /**
   * On a judge: judges {@code module} against the package's vmlinux map {@code against}, and
   * writes its blob if the package alone decides it.
   */
  private Judged judge(KernelFile module, Map<String, KernelBtf> against) {
    PackageBases bases = new PackageBases(against);
    ModuleAnalysis.Outcome result = analysis.analyze(module, bases, List.of());
    Missing missing = bases.missing != Missing.NOTHING ? bases.missing
        : result.decidedByBaseAlone() ? Missing.NOTHING : Missing.OTHER_KERNELS;
    if (missing == Missing.NOTHING && result.blob() != null) {
      blobs.write(result.blobPath(), result.blob());
    }
    return new Judged(result, missing, against);
  }

  private static long bytesOf(KernelFile module) {
    return module.bytes() == null ? 0 : module.bytes().length;
  }

  /**
   * A result of another thread, on the reader's. Extractions and judgements turn the input's
   * every fault into a row, so what comes here is the JVM's (out of memory) or the scan's (a blob
   * that cannot be written), and it is the reader's to throw.
   */
  private static <T> T waitFor(CompletableFuture<T> work) {
    try {
      return Waiting.forResult(work);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
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
