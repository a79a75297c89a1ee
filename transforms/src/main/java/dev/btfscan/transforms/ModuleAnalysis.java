package dev.btfscan.transforms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.analysis.KernelBase;
import dev.btfscan.analysis.Kernels;
import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.analysis.ModuleAnalyzer;
import dev.btfscan.analysis.ModuleBtf;
import dev.btfscan.analysis.ModuleResult;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.analysis.Verdict;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.sink.BlobPaths;
import dev.btfscan.report.ModuleLocation;
import dev.btfscan.report.ModuleRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges one module file: read its ELF, pick its base, decide the verdict, name its blob, build its
 * report rows. Whatever the bytes, the result is one {@code modules.jsonl} row. Shared by the
 * pipeline's analysis step and the package reader's in-place analysis, so both give the same rows.
 */
final class ModuleAnalysis implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Normalization normalization;
  private final boolean rebase;
  private final DecompressionCaps caps;

  ModuleAnalysis(Normalization normalization, boolean rebase, DecompressionCaps caps) {
    this.normalization = normalization;
    this.rebase = rebase;
    this.caps = caps;
  }


  /**
   * The rows, and the blob to write at the path the row names.
   *
   * @param decidedByBaseAlone no kernel but the module's base could have changed the rows
   */
  record Outcome(ObjectNode row, ObjectNode mismatchRow, String blobPath, byte[] blob, boolean decidedByBaseAlone) {
    /** A module that could not be analyzed: invalid, so also a mismatches row (without references). */
    static Outcome unreadable(ObjectNode row) {
      ObjectNode m = row.deepCopy();
      m.putNull("references");
      return new Outcome(row, m, null, null, true);
    }

    static Outcome of(ModuleLocation at, ModuleResult r, String blobPath) {
      ObjectNode row = ModuleRow.of(at, r, blobPath);
      boolean bad = r.verdict() == Verdict.MISMATCH || r.verdict() == Verdict.INVALID;
      return new Outcome(row, bad ? ModuleRow.mismatch(row, r) : null, blobPath, r.blob(), r.decidedByBaseAlone());
    }

    String verdict() {
      return row.path("verdict").asText();
    }
  }

  /** Judges {@code f} against the base {@code bases} gives it; {@code known}: every scanned vmlinux. */
  Outcome analyze(KernelFile f, BaseSource bases, List<KnownKernel> known) {
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
      ModuleImage image = ModuleImage.fromStored(f.bytes(), caps.module());
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
      KernelBtf kernel = bases.baseFor(f.packageName(), release);
      KernelBase base = kernel == null ? null : BaseCache.get(kernel);
      String why = kernel == null ? bases.whyNoBase(release) : null;
      if (why != null) {
        problems.add(why);
      }
      ModuleResult r = new ModuleAnalyzer(known, kernelsOf(bases), normalization, rebase)
          .analyze(new ModuleBtf(image.btf().orElse(null), image.btfBase().orElse(null),
              image.btfNotAsStored().orElse(null)), base);
      r = r.withProblemsFirst(problems);
      // A later entry of the same name gets its own blob (named also by its bytes), never the first one's.
      String blob = r.blob() == null ? null : f.isDuplicate()
          ? BlobPaths.ofDuplicate(release, f.packageName(), f.path(), Sha256.hex(f.bytes()).substring(0, 12))
          : BlobPaths.of(release, f.packageName(), f.path());
      return Outcome.of(at, r, blob);
    } catch (StoredBytes.Unreadable e) {
      throw e; // the scan's own output, not the module, is at fault
    } catch (java.io.InterruptedIOException e) {
      throw new java.io.UncheckedIOException(e); // the worker is stopping: no verdict on the module
    } catch (Exception e) {
      // Damaged input (or a bug) becomes a row with its reason, never a failed bundle.
      problems.add(describe(e));
      return Outcome.unreadable(ModuleRow.unreadable(at, problems));
    }
  }

  /** The inputs' kernels, parsed and indexed once per worker through {@link BaseCache}. */
  private static Kernels kernelsOf(BaseSource bases) {
    return new Kernels() {
      @Override
      public KernelBase byRelease(String release) {
        KernelBtf k = bases.ofRelease(release);
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
