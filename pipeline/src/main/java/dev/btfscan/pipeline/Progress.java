package dev.btfscan.pipeline;

import dev.btfscan.transforms.AnalyzeModuleFn;
import java.io.PrintStream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.joda.time.Duration;

/** Waits for the run, printing a progress line on stderr from the Beam metrics as they come. */
final class Progress {
  private static final Duration TICK = Duration.standardSeconds(2);

  private Progress() {}

  static void follow(PipelineResult result, PrintStream err) {
    PipelineResult.State state = null;
    while (state == null || !state.isTerminal()) {
      state = result.waitUntilFinish(TICK);
      if (err != null && (state == null || !state.isTerminal())) {
        err.print("\rbtf-scan: " + modulesSoFar(result) + " modules analyzed");
        err.flush();
      }
    }
    if (err != null) {
      err.println("\rbtf-scan: " + modulesSoFar(result) + " modules analyzed, " + state.toString().toLowerCase(java.util.Locale.ROOT));
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended " + state);
    }
  }

  private static long modulesSoFar(PipelineResult result) {
    try {
      MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.named(AnalyzeModuleFn.class, "modules")).build());
      long n = 0;
      for (MetricResult<Long> c : q.getCounters()) {
        Long v = c.getAttempted();
        n += v == null ? 0 : v;
      }
      return n;
    } catch (RuntimeException e) {
      return 0; // some runners report metrics only at the end
    }
  }
}
