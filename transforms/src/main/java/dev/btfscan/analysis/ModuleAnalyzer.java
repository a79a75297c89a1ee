package dev.btfscan.analysis;

import dev.btfscan.btf.BaseFingerprint;
import dev.btfscan.btf.BaseReference;
import dev.btfscan.btf.Rebaser;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfClassifier;
import dev.btfscan.btf.BtfForm;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.btf.DedupNormalizer;
import dev.btfscan.btf.DistilledRelocator;
import dev.btfscan.btf.StandaloneRemapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides the verdict for one module's BTF against one base: classify by evidence, fingerprint
 * split BTF, validate, and normalize into split form. A plain library: the Beam DoFn only feeds it.
 */
public final class ModuleAnalyzer {
  /** Problem lines spent on individual references of a mismatched module. */
  private static final int MAX_EXPLAINED = 10;

  private final Collection<KnownKernel> scanned;
  private final Kernels kernels;
  private final Normalization normalization;
  private final boolean rebase;

  /** An analyzer that can attribute but not rebase (no kernel BTF at hand beyond the base). */
  public ModuleAnalyzer(Collection<KnownKernel> scanned) {
    this(scanned, Kernels.NONE, Normalization.DEDUP);
  }

  public ModuleAnalyzer(Collection<KnownKernel> scanned, Kernels kernels) {
    this(scanned, kernels, Normalization.DEDUP);
  }

  /**
   * @param scanned every vmlinux among the inputs, to name the build a split module came from
   * @param kernels their BTF, to resolve a foreign module's references and rebase it
   * @param normalization how standalone BTF becomes split BTF on its base
   */
  public ModuleAnalyzer(Collection<KnownKernel> scanned, Kernels kernels, Normalization normalization) {
    this(scanned, kernels, normalization, true);
  }

  /**
   * @param rebase whether a split module of another scanned build is rebased onto the target
   *     (verdict relocated when it fits); without, it is a mismatch with its built-against figures
   */
  public ModuleAnalyzer(Collection<KnownKernel> scanned, Kernels kernels, Normalization normalization, boolean rebase) {
    this.kernels = kernels;
    this.normalization = normalization;
    this.rebase = rebase;
    // Sorted so that attribution is the same whatever order the kernels arrived in.
    this.scanned = scanned.stream()
        .sorted(java.util.Comparator.comparing(KnownKernel::release).thenComparing(KnownKernel::source))
        .toList();
  }

  /** Analyzes {@code module} against {@code base} ({@code null}: no vmlinux at hand). */
  public ModuleResult analyze(ModuleBtf module, KernelBase base) {
    List<String> problems = new ArrayList<>();
    if (module.btf() == null) {
      return new ModuleResult(BtfForm.NONE, "no .BTF section", Verdict.NO_BTF, -1, base, null, problems, null);
    }
    if (module.notAsStored() != null) {
      problems.add(module.notAsStored());
      return new ModuleResult(BtfForm.INVALID, "unusable .BTF section", Verdict.INVALID, -1, base, null, problems, null);
    }
    Btf framed;
    try {
      framed = BtfParser.parse(module.btf());
    } catch (BtfFormatException e) {
      problems.add(".BTF: " + e.getMessage());
      return new ModuleResult(BtfForm.INVALID, "unreadable .BTF", Verdict.INVALID, -1, base, null, problems, null);
    }
    BtfClassifier.Classification cls = BtfClassifier.classify(framed);
    if (module.btfBase() != null) {
      return distilled(module, framed, cls, base, problems);
    }
    switch (cls.form()) {
      case STANDALONE:
        return standalone(framed, cls, base, problems);
      default:
        return split(module.btf(), framed, cls, base, problems);
    }
  }

  private ModuleResult standalone(Btf framed, BtfClassifier.Classification cls, KernelBase base, List<String> problems) {
    long types = framed.typeCount();
    List<String> errors = Validation.errors(framed);
    if (!errors.isEmpty()) {
      problems.addAll(errors);
      return new ModuleResult(BtfForm.STANDALONE, cls.evidence(), Verdict.INVALID, types, base, null, problems, null);
    }
    if (base == null) {
      problems.add("no vmlinux BTF for this release among the inputs: cannot renumber into split form");
      return new ModuleResult(BtfForm.STANDALONE, cls.evidence(), Verdict.NO_VMLINUX, types, null, null, problems, null);
    }
    if (base.btf().order() != framed.order()) {
      problems.add("module BTF is " + framed.order() + " but the base is " + base.btf().order());
      return new ModuleResult(BtfForm.STANDALONE, cls.evidence(), Verdict.MISMATCH, types, base, null, problems, null);
    }
    byte[] blob;
    List<String> notes = new ArrayList<>();
    if (normalization == Normalization.DEDUP) {
      DedupNormalizer.Result d = DedupNormalizer.dedup(framed, kernels.index(base));
      blob = d.blob();
      notes.add("dedup: " + d.dedupedTypes() + " of " + types + " types are the base's; " + d.ownTypes() + " own types kept");
    } else {
      blob = StandaloneRemapper.renumber(framed, base.btf());
    }
    try {
      List<String> after = Validation.errors(BtfParser.parse(blob, base.btf()));
      if (!after.isEmpty()) {
        after.forEach(p -> problems.add("normalized blob: " + p));
        return new ModuleResult(BtfForm.STANDALONE, cls.evidence(), Verdict.INVALID, types, base, null, problems, null);
      }
    } catch (BtfFormatException e) {
      throw new IllegalStateException("normalizing produced unreadable BTF: " + e.getMessage(), e);
    }
    return new ModuleResult(BtfForm.STANDALONE, cls.evidence(), Verdict.REMAPPED, types, base, null, problems, blob, null, notes);
  }

  private ModuleResult split(byte[] raw, Btf framed, BtfClassifier.Classification cls, KernelBase base, List<String> problems) {
    long types = framed.typeCount();
    BaseFingerprint fp = BaseFingerprint.infer(framed);
    BuiltAgainst built = attribute(fp, base); // its evidence says when there is too little to fingerprint
    List<String> framing = Validation.stringSectionErrors(framed);
    if (!framing.isEmpty()) {
      problems.addAll(framing);
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.INVALID, types, base, built, problems, null);
    }
    if (base == null) {
      problems.add("no vmlinux BTF for this release among the inputs: references into the base cannot be checked");
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.NO_VMLINUX, types, null, built, problems, null);
    }
    if (fp.hasStrings() && fp.strings() != base.strings()) {
      problems.add("built against a base with " + fp.strings() + " string bytes"
          + (built.release() != null ? " (" + built.release() + ")" : " (no scanned kernel matches)")
          + ", checked against " + describe(base) + " with " + base.strings());
      KernelBase own = built.release() == null ? null : kernels.byRelease(built.release());
      if (own != null && own.strings() == fp.strings()) {
        if (rebase) {
          return rebase(raw, own, base, cls, types, built, problems);
        }
        problems.add("rebasing onto " + describe(base) + " is disabled (--no-rebase)");
      } else {
        problems.add("the vmlinux it was built against is not among the inputs: references cannot be resolved, only checked on "
            + describe(base));
      }
      problems.addAll(wrongOnTarget(raw, base));
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.MISMATCH, types, base, built, problems, null);
    }
    if (fp.typesAtLeast() > base.types()) {
      problems.add("references type id " + (fp.typesAtLeast() + types) + " but the base has only "
          + base.types() + " types and the module " + types);
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.MISMATCH, types, base, built, problems, null);
    }
    Btf onBase;
    try {
      onBase = BtfParser.parse(raw, base.btf());
    } catch (BtfFormatException e) {
      problems.add(".BTF on " + describe(base) + ": " + e.getMessage());
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.MISMATCH, types, base, built, problems, null);
    }
    List<String> errors = Validation.errors(onBase);
    if (!errors.isEmpty()) {
      problems.addAll(errors);
      // With a matching fingerprint the base is right and the module is damaged; without one,
      // unresolvable references most likely mean the wrong base.
      Verdict v = fp.hasStrings() ? Verdict.INVALID : Verdict.MISMATCH;
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), v, types, base, built, problems, null);
    }
    return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.OK, types, base, built, problems, raw);
  }

  /** Resolves a foreign split module's references in {@code target} and rebases it if they all resolve. */
  private ModuleResult rebase(byte[] raw, KernelBase own, KernelBase target, BtfClassifier.Classification cls,
      long types, BuiltAgainst built, List<String> problems) {
    Btf onOwn;
    try {
      onOwn = BtfParser.parse(raw, own.btf());
    } catch (BtfFormatException e) {
      problems.add(".BTF on " + describe(own) + ": " + e.getMessage());
      return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.INVALID, types, target, built, problems, null);
    }
    Rebaser.Result r = Rebaser.rebase(onOwn, kernels.index(target));
    Explanation why = new Explanation(describe(own), r.references(), r.strings());
    String counts = String.format("base references: %d unchanged, %d moved, %d changed, %d gone; %d ids now land on another type;"
            + " base strings: %d unchanged, %d moved, %d gone",
        why.count(BaseReference.Status.UNCHANGED), why.count(BaseReference.Status.MOVED),
        why.count(BaseReference.Status.CHANGED), why.count(BaseReference.Status.GONE), why.wrong(),
        r.strings().unchanged(), r.strings().moved(), r.strings().gone());
    if (r.rebased()) {
      List<String> after = Validation.errors(parseOrThrow(r.blob(), target));
      if (after.isEmpty()) {
        return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.RELOCATED, types, target, built, problems, r.blob(), why,
            List.of("rebased from " + describe(own) + ": " + counts));
      }
      after.forEach(p -> problems.add("rebased blob: " + p));
    }
    problems.add(counts);
    why.notable(MAX_EXPLAINED).stream()
        .filter(x -> x.status() != BaseReference.Status.MOVED)
        .forEach(x -> problems.add(x.toString()));
    return new ModuleResult(BtfForm.SPLIT, cls.evidence(), Verdict.MISMATCH, types, target, built, problems, null, why, List.of());
  }

  /** What the target base alone proves about a module built for another: ids that land on types of an impossible kind. */
  private static List<String> wrongOnTarget(byte[] raw, KernelBase target) {
    try {
      List<String> errors = Validation.errors(BtfParser.parse(raw, target.btf()));
      return errors.stream().map(e -> "read on " + describe(target) + ": " + e).toList();
    } catch (BtfFormatException e) {
      return List.of("read on " + describe(target) + ": " + e.getMessage());
    }
  }

  private static Btf parseOrThrow(byte[] blob, KernelBase base) {
    try {
      return BtfParser.parse(blob, base.btf());
    } catch (BtfFormatException e) {
      throw new IllegalStateException("rebasing produced unreadable BTF: " + e.getMessage(), e);
    }
  }

  /**
   * A module with a {@code .BTF.base} section: its {@code .BTF} should be split on that distilled
   * base and is relocated onto {@code base} as the kernel's loader would. The row states the
   * evidence for that reading, and says so when the {@code .BTF} is not split on the
   * {@code .BTF.base} (standalone, or split on a vmlinux): that form is then judged instead.
   */
  private ModuleResult distilled(ModuleBtf module, Btf framed, BtfClassifier.Classification cls, KernelBase base, List<String> problems) {
    long types = framed.typeCount();
    Btf dist;
    try {
      dist = BtfParser.parse(module.btfBase());
    } catch (BtfFormatException e) {
      problems.add(".BTF.base: " + e.getMessage());
      return new ModuleResult(BtfForm.DISTILLED, "has .BTF.base, unreadable", Verdict.INVALID, types, base, null, problems, null);
    }
    String has = "has .BTF.base with " + dist.typeCount() + " types (" + dist.stringsLength() + " string bytes)";
    BaseFingerprint fp = BaseFingerprint.infer(framed);
    if (cls.form() == BtfForm.STANDALONE) {
      problems.add(".BTF.base is present but .BTF does not use it: .BTF is standalone");
      return standalone(framed, new BtfClassifier.Classification(BtfForm.STANDALONE,
          "ambiguous: " + has + ", but .BTF reads as standalone (" + cls.evidence() + "); judged as standalone"), base, problems);
    }
    if (fp.hasStrings() && fp.strings() != dist.stringsLength()) {
      String on = base != null && fp.strings() == base.strings() ? "the vmlinux's " + describe(base) : "another base";
      problems.add(".BTF.base is present but .BTF does not use it: .BTF is split on a base of " + fp.strings()
          + " string bytes (" + on + "), not on the .BTF.base's " + dist.stringsLength());
      return split(module.btf(), framed, new BtfClassifier.Classification(BtfForm.SPLIT,
          "ambiguous: " + has + ", but .BTF is split on a base of " + fp.strings() + " string bytes (" + fp.evidence()
              + "); judged as split on " + on), base, problems);
    }
    String evidence = has + "; .BTF split on it (ids from " + dist.endId() + ", strings after its "
        + dist.stringsLength() + " bytes; " + (fp.hasStrings() ? fp.evidence() : "no own strings to confirm the string offset")
        + ")";
    List<String> notDistilled = DistilledRelocator.checkDistilledBase(dist);
    if (!notDistilled.isEmpty()) {
      notDistilled.forEach(p -> problems.add(".BTF.base: " + p));
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.INVALID, types, base, null, problems, null);
    }
    Btf split;
    try {
      split = BtfParser.parse(module.btf(), dist);
    } catch (BtfFormatException e) {
      problems.add(".BTF on its .BTF.base: " + e.getMessage());
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.INVALID, types, base, null, problems, null);
    }
    List<String> errors = Validation.errors(split);
    if (!errors.isEmpty()) {
      errors.forEach(p -> problems.add(".BTF on its .BTF.base: " + p));
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.INVALID, types, base, null, problems, null);
    }
    if (base == null) {
      problems.add("no vmlinux BTF for this release among the inputs: cannot relocate the distilled base");
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.NO_VMLINUX, types, null, null, problems, null);
    }
    if (base.btf().order() != split.order()) {
      problems.add("module BTF is " + split.order() + " but the base is " + base.btf().order());
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.MISMATCH, types, base, null, problems, null);
    }
    DistilledRelocator.Result r = DistilledRelocator.relocate(split, kernels.index(base));
    if (!r.relocated()) {
      problems.add("relocation onto " + describe(base) + " failed: " + r.failures().size() + " of " + dist.typeCount()
          + " distilled base types have no single match");
      r.failures().forEach(f -> problems.add(f.toString()));
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.MISMATCH, types, base, null, problems, null);
    }
    List<String> after;
    try {
      after = Validation.errors(BtfParser.parse(r.blob(), base.btf()));
    } catch (BtfFormatException e) {
      throw new IllegalStateException("relocation produced unreadable BTF: " + e.getMessage(), e);
    }
    if (!after.isEmpty()) {
      after.forEach(p -> problems.add("relocated blob: " + p));
      return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.MISMATCH, types, base, null, problems, null);
    }
    List<String> notes = new ArrayList<>();
    notes.add("relocated: " + dist.typeCount() + " distilled base types mapped onto " + describe(base)
        + "; own ids from " + base.btf().endId());
    notes.addAll(r.notes());
    return new ModuleResult(BtfForm.DISTILLED, evidence, Verdict.RELOCATED, types, base, null, problems, r.blob(), null, notes);
  }

  /**
   * Names the kernel whose fingerprint the module carries: the base it is checked against when
   * that fits (two scanned builds may share the figures; the module's own base is the one that
   * matters), else the first scanned kernel that fits, if any.
   */
  BuiltAgainst attribute(BaseFingerprint fp, KernelBase base) {
    if (fp.hasStrings() && base != null && base.strings() == fp.strings() && base.types() >= fp.typesAtLeast()) {
      return new BuiltAgainst(fp.strings(), base.types(), fp.typesAtLeast(), base.release(), base.source(), fp.evidence());
    }
    if (fp.hasStrings()) {
      for (KnownKernel k : scanned) {
        if (k.strings() == fp.strings() && k.types() >= fp.typesAtLeast()) {
          return new BuiltAgainst(fp.strings(), k.types(), fp.typesAtLeast(), k.release(), k.source(), fp.evidence());
        }
      }
    }
    return new BuiltAgainst(fp.strings(), -1, fp.typesAtLeast(), null, null, fp.evidence());
  }

  private static String describe(KernelBase base) {
    return base.release().isEmpty() ? base.source() : base.release();
  }
}
