package dev.btfscan.analysis;

/**
 * The BTF-relevant content of one module file, as the ELF reader found it.
 *
 * @param btf the {@code .BTF} section, or {@code null} when the module has none
 * @param btfBase the {@code .BTF.base} section (distilled base), or {@code null}
 * @param notAsStored why a BTF section cannot be used as stored (compressed, no file bytes), or
 *     {@code null}: such a module is invalid whatever its bytes hold
 */
public record ModuleBtf(byte[] btf, byte[] btfBase, String notAsStored) {
  public ModuleBtf(byte[] btf, byte[] btfBase) {
    this(btf, btfBase, null);
  }
}
