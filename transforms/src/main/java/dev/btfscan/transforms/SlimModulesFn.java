package dev.btfscan.transforms;

import dev.btfscan.elf.ModuleSlimmer;
import dev.btfscan.io.KernelFile;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Replaces an uncompressed module's bytes with the slim ELF of what the analysis reads
 * ({@link ModuleSlimmer}), before the modules wait for the vmlinux side input. Duplicates keep
 * their bytes (their blob is named by a hash of them); everything else passes unchanged.
 */
public final class SlimModulesFn extends DoFn<KernelFile, KernelFile> {
  private static final long serialVersionUID = 1L;
  private final Counter before = Metrics.counter(SlimModulesFn.class, "bytes-before");
  private final Counter after = Metrics.counter(SlimModulesFn.class, "bytes-after");

  @ProcessElement
  public void process(@Element KernelFile f, OutputReceiver<KernelFile> out) {
    byte[] bytes = f.bytes();
    if (bytes == null || f.isDuplicate()) {
      out.output(f);
      return;
    }
    byte[] slim = ModuleSlimmer.slim(bytes);
    before.inc(bytes.length);
    after.inc(slim.length);
    out.output(slim == bytes ? f : new KernelFile(f.packageName(), f.path(), f.rawName(), f.kind(), f.release(),
        f.unsafeReason(), f.size(), f.isDuplicate(), slim, f.problems()));
  }
}
