package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@link BtfValidator} found: the first problems in the order found (header, strings, then
 * type by type per stage), and how many there were in all, so that a garbage blob gives a short
 * report that still says how bad it is.
 */
public final class ValidationResult implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final List<BtfProblem> problems;
  private final long errorCount;
  private final long warningCount;
  private final long[] errorsByStage;

  ValidationResult(List<BtfProblem> problems, long errorCount, long warningCount, long[] errorsByStage) {
    this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    this.errorCount = errorCount;
    this.warningCount = warningCount;
    this.errorsByStage = errorsByStage.clone();
  }

  /** The reported problems: at most the cap given to the validator. */
  public List<BtfProblem> problems() {
    return problems;
  }

  /** The reported problems of severity ERROR. */
  public List<BtfProblem> errors() {
    List<BtfProblem> out = new ArrayList<>();
    for (BtfProblem p : problems) {
      if (p.isError()) {
        out.add(p);
      }
    }
    return out;
  }

  /** All errors found, reported or not. */
  public long errorCount() {
    return errorCount;
  }

  /** All errors found in one stage, reported or not. */
  public long errorCount(Stage stage) {
    return errorsByStage[stage.ordinal()];
  }

  /**
   * Whether the checks the kernel runs when it loads module or vmlinux BTF pass: header, string
   * section, per-type metas and type tags (btf_parse_module, btf_parse_vmlinux). RESOLVE errors do
   * not stop a module loading but break BPF_BTF_LOAD, pretty printing and CO-RE on those types.
   */
  public boolean passesLoadChecks() {
    return errorCount(Stage.HEADER) + errorCount(Stage.STRINGS) + errorCount(Stage.META)
        + errorCount(Stage.TYPE_TAGS) == 0;
  }

  /** All warnings found, reported or not. */
  public long warningCount() {
    return warningCount;
  }

  /** Problems found beyond the reported ones. */
  public long omitted() {
    return errorCount + warningCount - problems.size();
  }

  /** No errors (warnings allowed): the kernel checks modelled here accept the blob. */
  public boolean isValid() {
    return errorCount == 0;
  }

  /** One problem a line, severity first, then a line counting what was left out. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (BtfProblem p : problems) {
      sb.append(p.severity()).append(' ').append(p).append('\n');
    }
    if (omitted() > 0) {
      sb.append("... and ").append(omitted()).append(" more (").append(errorCount)
          .append(" errors, ").append(warningCount).append(" warnings in all)\n");
    }
    if (problems.isEmpty()) {
      sb.append("valid\n");
    }
    return sb.toString();
  }
}
