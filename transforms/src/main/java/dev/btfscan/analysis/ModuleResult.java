package dev.btfscan.analysis;

import dev.btfscan.btf.BtfForm;
import java.util.List;

/**
 * The analysis of one module's BTF against one base: what the report row says beyond where the
 * module was found.
 *
 * @param types the module's own type count (void excluded), -1 when unreadable
 * @param base the base it was checked against, or {@code null}
 * @param builtAgainst for split BTF, the base it was built against; else {@code null}
 * @param blob the normalized split BTF to write, or {@code null}
 * @param explanation for split BTF built on another scanned base: how each reference resolves
 * @param notes what was done that is not a problem (how many types dedup gave to the base)
 */
public record ModuleResult(
    BtfForm form,
    String formEvidence,
    Verdict verdict,
    long types,
    KernelBase base,
    BuiltAgainst builtAgainst,
    List<String> problems,
    byte[] blob,
    Explanation explanation,
    List<String> notes) {

  /** A result without a cross-build explanation. */
  public ModuleResult(BtfForm form, String formEvidence, Verdict verdict, long types, KernelBase base,
      BuiltAgainst builtAgainst, List<String> problems, byte[] blob) {
    this(form, formEvidence, verdict, types, base, builtAgainst, problems, blob, null, List.of());
  }

  /**
   * True when no kernel but the base could have changed this result: everything except a split
   * module whose fingerprint does not fit its base (attribution and rebasing then look among all
   * the scanned kernels). Lets a module be judged before every kernel of the run is known.
   */
  public boolean decidedByBaseAlone() {
    if (builtAgainst == null || builtAgainst.strings() < 0) {
      return true;
    }
    return base != null && builtAgainst.strings() == base.strings() && base.types() >= builtAgainst.typesAtLeast()
        && base.source().equals(builtAgainst.source());
  }

  /** The same result with {@code extra} problems first (what the package reader found). */
  public ModuleResult withProblemsFirst(List<String> extra) {
    List<String> all = new java.util.ArrayList<>(extra);
    all.addAll(problems);
    return new ModuleResult(form, formEvidence, verdict, types, base, builtAgainst, all, blob, explanation, notes);
  }
}
