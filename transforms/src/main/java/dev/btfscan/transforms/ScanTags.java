package dev.btfscan.transforms;

import org.apache.beam.sdk.values.TupleTag;

/** The outputs of the scan's DoFns. Report rows travel as JSON lines (sorted when written). */
public final class ScanTags {
  private ScanTags() {}

  /** {@code modules.jsonl} rows. */
  public static final TupleTag<String> MODULE_ROWS = new TupleTag<>("module-rows") {};
  /** {@code mismatches.jsonl} rows: modules whose verdict is mismatch or invalid. */
  public static final TupleTag<String> MISMATCH_ROWS = new TupleTag<>("mismatch-rows") {};
  /** The key of a {@code modules.jsonl} line among the rows judged in the package reader. */
  public static final String MODULES_REPORT = "modules";
  /** The key of a {@code mismatches.jsonl} line among the rows judged in the package reader. */
  public static final String MISMATCHES_REPORT = "mismatches";
  /** {@code kernels.jsonl} rows. */
  public static final TupleTag<String> KERNEL_ROWS = new TupleTag<>("kernel-rows") {};
  /** Extracted vmlinux BTF keyed by release. */
  public static final TupleTag<org.apache.beam.sdk.values.KV<String, KernelBtf>> KERNEL_BTF = new TupleTag<>("kernel-btf") {};
  /** The same, keyed by {@link BaseSource#ownKey} (package and release), for its own package's modules. */
  public static final TupleTag<org.apache.beam.sdk.values.KV<String, KernelBtf>> OWN_KERNEL_BTF = new TupleTag<>("own-kernel-btf") {};
  /**
   * Kernel images that gave no BTF, keyed by release: "PATH in PACKAGE: why", so that a module
   * with no vmlinux can say its release's image was there and why it did not serve.
   */
  public static final TupleTag<org.apache.beam.sdk.values.KV<String, String>> KERNEL_WITHOUT_BTF = new TupleTag<>("kernel-without-btf") {};
}
