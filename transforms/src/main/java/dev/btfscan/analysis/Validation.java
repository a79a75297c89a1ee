package dev.btfscan.analysis;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfProblem;
import dev.btfscan.btf.BtfValidator;
import dev.btfscan.btf.ValidationResult;
import java.util.ArrayList;
import java.util.List;

/** The validation questions the analyzer asks, answered as report lines. */
final class Validation {
  private static final int MAX_LINES = 20;

  private Validation() {}

  /** The validator's errors (warnings are not verdicts), at most {@value #MAX_LINES} lines. */
  static List<String> errors(Btf btf) {
    ValidationResult r = BtfValidator.validate(btf);
    List<String> out = new ArrayList<>();
    List<BtfProblem> errors = r.errors();
    for (BtfProblem p : errors) {
      if (out.size() == MAX_LINES) {
        out.add("... and " + (r.errorCount() - MAX_LINES) + " more errors");
        break;
      }
      out.add(p.toString());
    }
    return out;
  }

  /** What can be checked without the base: the string section is NUL-terminated. */
  static List<String> stringSectionErrors(Btf btf) {
    List<String> out = new ArrayList<>();
    int len = btf.stringsLength();
    if (len > 0 && btf.stringByte(len - 1) != 0) {
      out.add("string section is not NUL-terminated");
    }
    return out;
  }
}
