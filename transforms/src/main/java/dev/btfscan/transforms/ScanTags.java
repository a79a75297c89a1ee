package dev.btfscan.transforms;

import org.apache.beam.sdk.values.TupleTag;

/** The outputs of the scan's DoFns. Report rows travel as JSON lines (sorted when written). */
public final class ScanTags {
  private ScanTags() {}

  /** {@code modules.jsonl} rows. */
  public static final TupleTag<String> MODULE_ROWS = new TupleTag<>("module-rows") {};
  /** {@code mismatches.jsonl} rows: modules whose verdict is mismatch or invalid. */
  public static final TupleTag<String> MISMATCH_ROWS = new TupleTag<>("mismatch-rows") {};
  /** {@code kernels.jsonl} rows. */
  public static final TupleTag<String> KERNEL_ROWS = new TupleTag<>("kernel-rows") {};
  /** Extracted vmlinux BTF keyed by release. */
  public static final TupleTag<org.apache.beam.sdk.values.KV<String, KernelBtf>> KERNEL_BTF = new TupleTag<>("kernel-btf") {};
}
