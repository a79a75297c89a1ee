package dev.btfscan.analysis;

import dev.btfscan.btf.BaseIndex;

/** The scanned vmlinux BTFs, as the analyzer needs them: by release, and indexed for matching. */
public interface Kernels {
  /** The vmlinux of {@code release} among the inputs, or {@code null}. */
  KernelBase byRelease(String release);

  /** The type index of {@code base}, built once and shared. */
  BaseIndex index(KernelBase base);

  /** No kernels at all. */
  Kernels NONE = new Kernels() {
    @Override
    public KernelBase byRelease(String release) {
      return null;
    }

    @Override
    public BaseIndex index(KernelBase base) {
      return BaseIndex.of(base.btf());
    }
  };
}
