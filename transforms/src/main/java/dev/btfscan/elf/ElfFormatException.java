package dev.btfscan.elf;

/**
 * ELF bytes that cannot be read as the caller needs them: wrong magic, an unknown class or byte
 * order, a header or section that runs past the end of the file, overlapping sections, a section
 * name outside the name table. Messages give file offsets in hex so that the spot can be found
 * with {@code xxd} or {@code readelf -S}.
 *
 * <p>Checked, because every caller holds untrusted bytes (a module from a package) and must turn
 * the damage into a report row rather than a failed bundle.
 */
public class ElfFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public ElfFormatException(String message) {
    super(message);
  }

  public ElfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
