package dev.btfscan.io.pkg;

import java.io.IOException;

/**
 * A package could not be read to its end. Entries before the failure were already visited; the
 * exception says why, where (byte offset in the package file as stored, i.e. before any
 * decompression) and how many entries had been read.
 */
public final class PackageReadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String packageName;
  private final String reason;
  private final long offset;
  private final long entriesRead;

  public PackageReadException(String packageName, String reason, long offset, long entriesRead, Throwable cause) {
    super(packageName + ": " + reason + " (at offset " + offset + ", after " + entriesRead + " entries)", cause);
    this.packageName = packageName;
    this.reason = reason;
    this.offset = offset;
    this.entriesRead = entriesRead;
  }

  public String packageName() {
    return packageName;
  }

  /** The cause in words, without package name and position. */
  public String reason() {
    return reason;
  }

  /** Bytes of the stored package consumed when the failure was noticed. */
  public long offset() {
    return offset;
  }

  public long entriesRead() {
    return entriesRead;
  }
}
