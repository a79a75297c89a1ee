package dev.btfscan.transforms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.sink.BlobPaths;
import dev.btfscan.report.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Gets the vmlinux BTF out of one kernel image (any format {@link KernelImage} knows), writes it as
 * a blob, and emits it keyed by release for the modules to share, plus its {@code kernels.jsonl}
 * row. An image that yields no BTF still gets a row saying why.
 */
public final class ExtractKernelBtfFn extends DoFn<KernelFile, String> {
  private static final long serialVersionUID = 1L;

  private final Counter images = Metrics.counter(ExtractKernelBtfFn.class, "kernel-images");
  private final Counter failed = Metrics.counter(ExtractKernelBtfFn.class, "kernel-images-without-btf");
  private final BlobWriter blobs;

  public ExtractKernelBtfFn(BlobWriter blobs) {
    this.blobs = blobs;
  }

  @ProcessElement
  public void process(ProcessContext c) {
    KernelFile f = c.element();
    images.inc();
    ObjectNode row = Json.object();
    row.put("package", f.packageName());
    row.put("path", f.path());
    List<String> problems = new ArrayList<>(f.problems());
    String release = f.release() == null ? "" : f.release();
    try {
      if (f.bytes() == null) {
        throw new java.io.IOException("not read");
      }
      BtfFiles.Found image = BtfFiles.load(f.bytes());
      String banner = image.release();
      if (banner != null && !banner.isEmpty()) {
        if (!release.isEmpty() && !release.equals(banner)) {
          problems.add("image release " + banner + " disagrees with the path's release " + release);
        }
        release = banner;
      }
      byte[] raw = image.btf();
      Btf btf = BtfParser.parse(raw);
      String sha = Sha256.hex(raw);
      String blob = BlobPaths.of(release, f.packageName(), f.path());
      blobs.write(blob, raw);
      row.put("release", release);
      row.put("arch", image.arch());
      row.put("format", image.format());
      row.put("types", btf.typeCount());
      row.put("strings", btf.stringsLength());
      row.put("sha256", sha);
      row.put("blob", blob);
      if (release.isEmpty()) {
        problems.add("kernel release unknown (neither the path nor the image tells): no module can be matched with it");
      } else {
        c.output(ScanTags.KERNEL_BTF, KV.of(release, new KernelBtf(release, f.packageName() + ":" + f.path(), sha, btf.typeCount(), btf.stringsLength(), raw)));
      }
    } catch (Exception e) {
      failed.inc();
      row.put("release", release);
      row.putNull("arch");
      row.putNull("format");
      row.putNull("types");
      row.putNull("strings");
      row.putNull("sha256");
      row.putNull("blob");
      problems.add(AnalyzeModuleFn.describe(e));
    }
    ArrayNode p = row.putArray("problems");
    problems.forEach(p::add);
    c.output(Json.line(row));
  }
}
