package dev.btfscan.analysis;

/**
 * The BTF-relevant content of one module file, as the ELF reader found it.
 *
 * @param btf the {@code .BTF} section, or {@code null} when the module has none
 * @param btfBase the {@code .BTF.base} section (distilled base), or {@code null}
 */
public record ModuleBtf(byte[] btf, byte[] btfBase) {}
