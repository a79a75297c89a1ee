package dev.btfscan.pipeline;

import dev.btfscan.analysis.Verdict;

/** The verdicts a nightly job can turn into a non-zero exit code with {@code --fail-on}. */
public enum FailOn {
  MISMATCH(Verdict.MISMATCH),
  INVALID(Verdict.INVALID),
  NO_BTF(Verdict.NO_BTF);

  private final Verdict verdict;

  FailOn(Verdict verdict) {
    this.verdict = verdict;
  }

  public Verdict verdict() {
    return verdict;
  }

  /** Accepts the report spelling ({@code no-btf}) as well as the enum name. */
  public static FailOn parse(String s) {
    return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
