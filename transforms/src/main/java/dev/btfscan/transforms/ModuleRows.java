package dev.btfscan.transforms;

import org.apache.beam.sdk.metrics.Metrics;

/** The metrics every judged module counts in, wherever it was judged (the progress line reads them). */
final class ModuleRows {
  private ModuleRows() {}

  static void count(ModuleAnalysis.Outcome out) {
    Metrics.counter(AnalyzeModuleFn.class, "modules").inc();
    Metrics.counter(AnalyzeModuleFn.class, "verdict-" + out.verdict()).inc();
  }
}
