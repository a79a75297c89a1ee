package dev.btfscan.transforms;

import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;

/**
 * Gets the vmlinux BTF out of one kernel image ({@link KernelImageBtf}) and writes it as a blob,
 * unless the package reader did both already ({@link StoredKernelImage#digester}); emits a
 * reference to that blob keyed by release and by package and release for the modules to share,
 * plus the image's {@code kernels.jsonl} row, and for an image that gave no BTF where it is and
 * why ({@link ScanTags#KERNEL_WITHOUT_BTF}).
 */
public final class ExtractKernelBtfFn extends DoFn<KernelFile, String> {
  private static final long serialVersionUID = 1L;

  private final Counter images = Metrics.counter(ExtractKernelBtfFn.class, "kernel-images");
  private final Counter failed = Metrics.counter(ExtractKernelBtfFn.class, "kernel-images-without-btf");
  private final BlobWriter blobs;
  private final DecompressionCaps caps;

  public ExtractKernelBtfFn(BlobWriter blobs, DecompressionCaps caps) {
    this.blobs = blobs;
    this.caps = caps;
  }

  /** What the package reader sends on instead of an image: the image's work, done there. */
  public static SerializableFunction<KernelFile, byte[]> readerDigest(BlobWriter blobs, DecompressionCaps caps) {
    return StoredKernelImage.digester(blobs, caps);
  }

  @ProcessElement
  public void process(ProcessContext c) {
    KernelFile f = c.element();
    images.inc();
    StoredKernelImage image = f.isDigest() ? StoredKernelImage.decode(f.bytes()) : StoredKernelImage.of(f, blobs, caps);
    if (!image.hasBtf()) {
      failed.inc();
    }
    if (image.withoutBtf() != null) {
      c.output(ScanTags.KERNEL_WITHOUT_BTF, KV.of(image.withoutBtf().release(), image.withoutBtf().where()));
    }
    KernelBtf k = image.matchable();
    if (k != null) {
      c.output(ScanTags.KERNEL_BTF, KV.of(k.release(), k));
      c.output(ScanTags.OWN_KERNEL_BTF, KV.of(BaseSource.ownKey(f.packageName(), k.release()), k));
    }
    c.output(image.row());
  }
}
