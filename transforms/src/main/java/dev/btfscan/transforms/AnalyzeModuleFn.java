package dev.btfscan.transforms;

import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.io.EntryBytes;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.report.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Analyzes one module file against the vmlinux side input (see {@link ModuleAnalysis}), writes its
 * normalized blob and emits its report rows. Whatever the bytes, the module leaves exactly one
 * {@code modules.jsonl} row.
 */
public final class AnalyzeModuleFn extends DoFn<KernelFile, String> {
  private static final long serialVersionUID = 1L;

  /** The scratch directory, under the output's staging directory, of the waiting modules' bytes. */
  public static final String WAITING_SCRATCH = WaitingModule.SCRATCH;

  private final Counter moduleBytes = Metrics.counter(AnalyzeModuleFn.class, "module-bytes");
  private final PCollectionView<Map<String, KernelBtf>> bases;
  private final PCollectionView<List<KnownKernel>> scanned;
  private final PCollectionView<Map<String, String>> withoutBtf;
  private final String againstKey;
  private final ModuleAnalysis analysis;
  private final BlobWriter blobs;

  /**
   * @param bases the vmlinux BTF by release, by {@link BaseSource#ownKey} and by {@code againstKey}
   * @param withoutBtf by release, an image of it that gave no BTF ({@link ScanTags#KERNEL_WITHOUT_BTF})
   * @param againstKey the key of the base every module is checked against, or {@code null} to use
   *     each module's own package's or release's vmlinux
   */
  public AnalyzeModuleFn(
      PCollectionView<Map<String, KernelBtf>> bases,
      PCollectionView<List<KnownKernel>> scanned,
      PCollectionView<Map<String, String>> withoutBtf,
      String againstKey,
      Normalization normalization,
      boolean rebase,
      DecompressionCaps caps,
      BlobWriter blobs) {
    this.bases = bases;
    this.scanned = scanned;
    this.withoutBtf = withoutBtf;
    this.againstKey = againstKey;
    this.analysis = new ModuleAnalysis(normalization, rebase, caps);
    this.blobs = blobs;
  }

  /** What the package reader sends on instead of a waiting module's bytes: where it stored them. */
  public static SerializableFunction<KernelFile, byte[]> waitingDigest(BlobWriter blobs) {
    return WaitingModule.digester(blobs);
  }

  @ProcessElement
  public void process(ProcessContext c) {
    KernelFile f = c.element();
    // a waiting module's bytes come back from its scratch file: as many as the archive declared
    long size = f.isDigest() ? Math.max(0, f.size()) : f.bytes() == null ? 0 : f.bytes().length;
    // the module's bytes, held whole from here to its judgement (EntryBytes: why)
    try {
      EntryBytes.jvm().take(size);
    } catch (java.io.InterruptedIOException e) {
      throw new UncheckedIOException(e);
    }
    ModuleAnalysis.Outcome out;
    try {
      out = judge(f, c);
    } finally {
      EntryBytes.jvm().give(size);
    }
    ModuleRows.count(out);
    if (out.blob() != null) {
      // Outside analyze(): failing to write output is the run's failure, not the module's.
      blobs.write(out.blobPath(), out.blob());
    }
    c.output(Json.line(out.row()));
    if (out.mismatchRow() != null) {
      c.output(ScanTags.MISMATCH_ROWS, Json.line(out.mismatchRow()));
    }
  }

  /**
   * The module's judgement. A method of its own so that the bytes restored here are held by no
   * frame once it returns: a local of {@link #process} would keep them alive past the give-back to
   * {@link EntryBytes}, and the reader it wakes ran out of memory allocating beside them.
   */
  private ModuleAnalysis.Outcome judge(KernelFile f, ProcessContext c) {
    KernelFile module = f.isDigest() ? WaitingModule.restore(f) : f;
    moduleBytes.inc(module.size());
    return analysis.analyze(module, new SideInputBases(c.sideInput(bases), c.sideInput(withoutBtf), againstKey),
        c.sideInput(scanned));
  }

  /** The side input's vmlinux map, read in {@link BaseSource}'s order. */
  private record SideInputBases(Map<String, KernelBtf> map, Map<String, String> withoutBtf, String againstKey)
      implements BaseSource {
    @Override
    public KernelBtf baseFor(String packageName, String release) {
      if (againstKey != null) {
        return map.get(againstKey);
      }
      KernelBtf own = map.get(BaseSource.ownKey(packageName, release));
      return own != null ? own : map.get(release);
    }

    @Override
    public KernelBtf ofRelease(String release) {
      return map.get(release);
    }

    @Override
    public String whyNoBase(String release) {
      if (againstKey != null) {
        return "--against " + againstKey + ": no such kernel among the inputs";
      }
      String image = withoutBtf.get(release);
      return image == null ? null : "the kernel image of this release gave no vmlinux BTF: " + image;
    }
  }
}
