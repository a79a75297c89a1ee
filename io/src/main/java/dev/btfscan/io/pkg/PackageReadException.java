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
  private final PackageFormat format;
  private final String entryPath;

  public PackageReadException(String packageName, String reason, long offset, long entriesRead, String entryPath,
      PackageFormat format, Throwable cause) {
    super(packageName + ": " + reason + " (at offset " + offset + ", after " + entriesRead + " entries"
        + (entryPath == null ? "" : ", inside " + entryPath) + ")", cause);
    this.entryPath = entryPath;
    this.packageName = packageName;
    this.reason = reason;
    this.offset = offset;
    this.entriesRead = entriesRead;
    this.format = format;
  }

  public String packageName() {
    return packageName;
  }

  /** The cause in words, without package name and position. */
  public String reason() {
    return reason;
  }

  /**
   * Bytes of the stored package consumed when the failure was noticed; approximate, since readers
   * and decoders read ahead (by up to 64 KiB plus a decoder block).
   */
  public long offset() {
    return offset;
  }

  /** Entries completely read (and visited) before the failure. */
  public long entriesRead() {
    return entriesRead;
  }

  /** Sanitised path of the entry whose content was being read when it failed, or null. */
  public String entryPath() {
    return entryPath;
  }

  /** The format, when it was recognised before the failure; null otherwise. */
  public PackageFormat format() {
    return format;
  }
}
