package dev.btfscan.elf;

/**
 * One entry of the section header table, reduced to what extraction needs.
 *
 * @param index position in the section header table
 * @param name resolved through the section name string table ("" when the file has none)
 * @param type {@code sh_type}; {@link #SHT_NOBITS} sections occupy no file bytes
 * @param offset {@code sh_offset}, checked to lie inside the file for sections with file bytes
 * @param size {@code sh_size}
 * @param flags {@code sh_flags}
 */
public record ElfSection(int index, String name, int type, long offset, long size, long flags) {
  public static final int SHT_NULL = 0;
  public static final int SHT_NOBITS = 8;
  /** SHF_COMPRESSED: the file bytes are an {@code Elf_Chdr} and a compressed stream. */
  public static final long SHF_COMPRESSED = 0x800;

  /** Whether the section's file bytes are compressed ({@link #SHF_COMPRESSED}). */
  public boolean isCompressed() {
    return (flags & SHF_COMPRESSED) != 0;
  }

  /** Whether the section occupies bytes of the file (not NULL, not NOBITS, not empty). */
  public boolean hasFileBytes() {
    return type != SHT_NULL && type != SHT_NOBITS && size > 0;
  }

  /** One past the last file byte. */
  public long end() {
    return offset + size;
  }

  /** "{@code .BTF [off 0x1c0, size 0x2a4]}", the form every message uses. */
  public String describe() {
    return (name.isEmpty() ? "section [" + index + "]" : name)
        + " [off 0x" + Long.toHexString(offset) + ", size 0x" + Long.toHexString(size) + "]";
  }
}
