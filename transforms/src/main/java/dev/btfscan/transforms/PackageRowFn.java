package dev.btfscan.transforms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.io.PackageSummary;
import dev.btfscan.report.Json;
import org.apache.beam.sdk.transforms.DoFn;

/** One {@code packages.jsonl} row per input package: what was read and what went wrong. */
public final class PackageRowFn extends DoFn<PackageSummary, String> {
  private static final long serialVersionUID = 1L;

  @ProcessElement
  public void process(ProcessContext c) {
    PackageSummary p = c.element();
    ObjectNode o = Json.object();
    o.put("package", p.packageName());
    o.put("location", p.location());
    o.put("format", p.format());
    o.put("entries", p.entriesSeen());
    o.put("modules", p.modulesSeen());
    o.put("kernel_images", p.kernelImagesSeen());
    ArrayNode problems = o.putArray("problems");
    p.problems().forEach(problems::add);
    c.output(Json.line(o));
  }
}
