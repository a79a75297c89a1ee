package dev.btfscan.pipeline;

import dev.btfscan.report.Summary;
import java.io.PrintStream;
import java.util.Set;

/** {@code --fail-on}: a non-zero exit code for a nightly job, decided after every output is written. */
final class Gates {
  /** The exit code when a gate trips (1 and 2 are picocli's usage and error codes). */
  static final int GATE_TRIPPED = 3;

  private Gates() {}

  static int exitCode(Summary summary, Set<FailOn> failOn, PrintStream err) {
    int code = 0;
    for (FailOn gate : failOn) {
      long n = summary.count(gate.verdict().label());
      if (n > 0) {
        err.println("btf-scan: --fail-on " + gate.verdict().label() + ": " + n + " module(s)");
        code = GATE_TRIPPED;
      }
    }
    return code;
  }
}
