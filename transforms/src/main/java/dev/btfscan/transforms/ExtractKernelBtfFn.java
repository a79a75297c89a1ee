package dev.btfscan.transforms;

import dev.btfscan.io.KernelFile;
import dev.btfscan.report.Json;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Gets the vmlinux BTF out of one kernel image ({@link KernelImageBtf}), writes it as a blob, and
 * emits a reference to that blob keyed by release and by package and release for the modules to
 * share, plus its {@code kernels.jsonl} row.
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
    KernelImageBtf x = KernelImageBtf.extract(f);
    String stored = null;
    if (x.kernel() == null) {
      failed.inc();
    } else {
      stored = blobs.write(x.blobPath(), x.kernel().btf());
    }
    KernelBtf matchable = x.matchable();
    if (matchable != null) {
      // By reference to the blob just written: see KernelBtf for why the side input holds no bytes.
      KernelBtf k = matchable.storedAt(stored);
      c.output(ScanTags.KERNEL_BTF, KV.of(k.release(), k));
      c.output(ScanTags.OWN_KERNEL_BTF, KV.of(BaseSource.ownKey(f.packageName(), k.release()), k));
    }
    c.output(Json.line(x.row()));
  }
}
