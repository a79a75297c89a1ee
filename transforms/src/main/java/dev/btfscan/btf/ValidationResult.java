package dev.btfscan.btf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@link BtfValidator} found: the first problems in the order found (header, strings, then
 * type by type per stage), and how many there were in all, so that a garbage blob gives a short
 * report that still says how bad it is.
 */
public final class ValidationResult {
  private final List<BtfProblem> problems;
  private final long errorCount;
  private final long warningCount;

  ValidationResult(List<BtfProblem> problems, long errorCount, long warningCount) {
    this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    this.errorCount = errorCount;
    this.warningCount = warningCount;
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
