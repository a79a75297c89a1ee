package dev.btfscan.analysis;

import dev.btfscan.btf.Btf;

/**
 * A vmlinux BTF that modules are checked against.
 *
 * @param release the kernel release it belongs to ("" when unknown)
 * @param source where it came from, for the report: {@code package:path} or a file given with
 *     {@code --against}
 */
public record KernelBase(String release, String source, Btf btf) {

  /** Base type count, void excluded. */
  public long types() {
    return btf.typeCount();
  }

  /** Base string-section length: where a split module's own strings start. */
  public long strings() {
    return btf.stringsLength();
  }
}
