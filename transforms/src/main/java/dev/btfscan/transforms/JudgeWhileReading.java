package dev.btfscan.transforms;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.io.compress.DecompressionCaps;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
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
 * <p>The work runs off the reader's thread, so that the reader keeps the payload's decoders fed:
 * kernel images are extracted on threads of their own ({@link #EXTRACTING}: decompressing a
 * vmlinuz takes most of a second) and modules are judged on one thread per core ({@link
 * #JUDGING}); what a judgement sends (report lines, modules passed on, Beam counters) is sent on
 * the reader's thread, as {@link LocalAnalysis} wants. How a package's images and modules are
 * ordered, held and bounded: {@link PackageJudging}. Not used with {@code --against}: the base
 * then comes from outside the package.
 */
public final class JudgeWhileReading implements LocalAnalysis {
  private static final long serialVersionUID = 1L;

  /** Bytes of modules one package may hold until their vmlinux is known (slimmed modules: BTF-sized). */
  static final long HELD_BYTES = 128L << 20;

  /** Where kernel images are extracted: daemon threads, made as needed, gone when idle. */
  private static final ExecutorService EXTRACTING = Executors.newCachedThreadPool(daemons("btfscan-kernel-image"));

  /** Where modules are judged: one daemon thread per core, shared by the packages being read. */
  private static final ExecutorService JUDGING = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), daemons("btfscan-judge"));

  private final Counter judgedInReader = Metrics.counter(JudgeWhileReading.class, "modules-judged-in-reader");
  private final ModuleAnalysis analysis;
  private final DecompressionCaps caps;
  private final long heldBytes;
  private final BlobWriter blobs;
  /** Where images are extracted and modules judged: the shared pools unless a test chose (not serialized). */
  private final transient Executor extractor;
  private final transient Executor judges;

  public JudgeWhileReading(Normalization normalization, boolean rebase, DecompressionCaps caps, BlobWriter blobs) {
    this(normalization, rebase, caps, blobs, HELD_BYTES, EXTRACTING, JUDGING);
  }

  /**
   * @param heldBytes bytes of modules one package may hold
   * @param extractor where kernel images are extracted
   * @param judges where modules are judged
   */
  JudgeWhileReading(Normalization normalization, boolean rebase, DecompressionCaps caps, BlobWriter blobs,
      long heldBytes, Executor extractor, Executor judges) {
    this.analysis = new ModuleAnalysis(normalization, rebase, caps);
    this.caps = caps;
    this.blobs = blobs;
    this.heldBytes = heldBytes;
    this.extractor = extractor;
    this.judges = judges;
  }

  @Override
  public Session open(String packageName) {
    // null once deserialized on a worker: the shared pools
    return new PackageJudging(analysis, caps, blobs, heldBytes, extractor != null ? extractor : EXTRACTING,
        judges != null ? judges : JUDGING, judgedInReader);
  }

  private static ThreadFactory daemons(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
