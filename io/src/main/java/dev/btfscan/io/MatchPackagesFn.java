package dev.btfscan.io;

import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Expands one input (file, glob, or directory) into package locations. Directories are emitted
 * with a trailing '/' and later read as tree packages. We match ourselves instead of using
 * FileIO.matchAll/readMatches because those drop directories and unmatched inputs silently;
 * here an input that matches nothing becomes a {@link PackageSummary} with a problem.
 */
final class MatchPackagesFn extends DoFn<String, String> {
  static final TupleTag<String> LOCATIONS = new TupleTag<String>("locations") {};
  static final TupleTag<PackageSummary> UNMATCHED = new TupleTag<PackageSummary>("unmatched") {};

  private final Counter unmatched = Metrics.counter(MatchPackagesFn.class, "unmatchedInputs");

  @ProcessElement
  public void process(@Element String spec, MultiOutputReceiver out) {
    if (spec.endsWith("/")) {
      out.get(LOCATIONS).output(spec);
      return;
    }
    try {
      MatchResult match = FileSystems.match(spec, EmptyMatchTreatment.ALLOW_IF_WILDCARD);
      if (match.status() == MatchResult.Status.NOT_FOUND) {
        fail(out, spec, "no such package: " + spec);
        return;
      }
      if (match.status() != MatchResult.Status.OK) {
        fail(out, spec, "cannot match " + spec + ": status " + match.status());
        return;
      }
      List<MatchResult.Metadata> metadata = match.metadata();
      if (metadata.isEmpty()) {
        fail(out, spec, "pattern matches no files: " + spec);
        return;
      }
      for (MatchResult.Metadata m : metadata) {
        String location = m.resourceId().toString();
        if (m.resourceId().isDirectory() && !location.endsWith("/")) {
          location += "/";
        }
        out.get(LOCATIONS).output(location);
      }
    } catch (Exception e) {
      fail(out, spec, "cannot match " + spec + ": " + e);
    }
  }

  private void fail(MultiOutputReceiver out, String spec, String problem) {
    unmatched.inc();
    out.get(UNMATCHED).output(new PackageSummary(ReadPackageFn.packageName(spec), spec, "unknown", 0, 0, 0,
        List.of(problem)));
  }
}
