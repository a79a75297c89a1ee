package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems {@link BtfValidator} finds: every one counted (errors per stage, warnings), the
 * first {@code maxProblems} kept, with the RESOLVE problems found during the meta pass held back
 * and appended after the TYPE_TAGS ones. Messages are the callers'; this class only files them,
 * building a problem's type and member names only when it is kept.
 */
final class ProblemLog {
  private final Btf btf;
  private final TypeTable types;
  /** The blob's header offset in its array: problem offsets are from it. */
  private final int blobStart;
  private final int maxProblems;
  private final List<BtfProblem> problems = new ArrayList<>();
  private long errors;
  private long warnings;
  private final long[] errorsByStage = new long[Stage.values().length];

  ProblemLog(TypeTable types, int maxProblems) {
    this.btf = types.btf;
    this.types = types;
    this.blobStart = btf.header().offset();
    this.maxProblems = maxProblems;
  }

  private Stage counting;

  private boolean count(Severity sev) {
    if (sev == Severity.ERROR) {
      errors++;
      errorsByStage[counting.ordinal()]++;
    } else {
      warnings++;
    }
    return (deferred != null ? deferred : problems).size() < maxProblems;
  }

  /**
   * Non-null while a type's resolve checks run inside the meta pass: their problems, held back
   * (at most maxProblems, the most that can be kept of them) and appended after the META and
   * TYPE_TAGS ones, so the report keeps the kernel's stage order: META for all types, then
   * TYPE_TAGS, then RESOLVE. Counts do not depend on the order.
   */
  private List<BtfProblem> deferred;
  private final List<BtfProblem> resolveProblems = new ArrayList<>();

  /** From now on, problems are held back: a type's resolve checks start. */
  void startDeferring() {
    deferred = resolveProblems;
  }

  /** Problems go to the report again. */
  void stopDeferring() {
    deferred = null;
  }

  /** Appends the held-back problems, as many as the cap still lets in. */
  void appendDeferred() {
    for (BtfProblem p : resolveProblems) {
      if (problems.size() >= maxProblems) {
        break;
      }
      problems.add(p);
    }
  }

  void blobProblem(Severity sev, Stage stage, long offset, String message) {
    counting = stage;
    if (count(sev)) {
      (deferred != null ? deferred : problems)
          .add(new BtfProblem(sev, stage, -1, null, null, -1, null, offset, message));
    }
  }

  void error(Stage stage, int id, int member, int word, String message) {
    typeProblem(Severity.ERROR, stage, id, member, word, message);
  }

  void warning(Stage stage, int id, int member, int word, String message) {
    typeProblem(Severity.WARNING, stage, id, member, word, message);
  }

  /** A problem in own type {@code id}, at its word {@code word} (-1: the record start). */
  void typeProblem(Severity sev, Stage stage, int id, int member, int word, String message) {
    counting = stage;
    if (!count(sev)) {
      return;
    }
    long offset = btf.recordOffset(id) - blobStart + 4L * Math.max(word, 0);
    (deferred != null ? deferred : problems).add(new BtfProblem(
        sev, stage, id, types.kindLabel(id), btf.name(id), member, types.memberName(id, member), offset,
        message));
  }

  ValidationResult result() {
    return new ValidationResult(problems, errors, warnings, errorsByStage);
  }
}
