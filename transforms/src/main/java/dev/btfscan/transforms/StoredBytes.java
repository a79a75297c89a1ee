package dev.btfscan.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Bytes the scan wrote itself (a vmlinux BTF blob, a waiting module's scratch file) and reads
 * back by reference, checked against what they were when written: a vmlinux by its SHA-256 (its
 * identity: the parsed bases are cached by it), a waiting module by its length and CRC32C, which
 * is enough to tell that a file of the scan's own changed, at a small part of the cost (an
 * intrinsic, where SHA-256 runs as plain Java under C1): JFR put about a third of what 1,121
 * modules waiting for another package's vmlinux cost beyond judging them in their reader in the
 * SHA-256 of their scratch files, written and read back.
 */
public final class StoredBytes {
  private StoredBytes() {}

  /**
   * The bytes at the Beam path {@code path}, which must hash to {@code sha256}.
   *
   * @param what names them in the failure ("the vmlinux BTF of pkg.deb:boot/vmlinuz")
   * @throws Unreadable when the file cannot be read or no longer holds those bytes
   */
  static byte[] read(String path, String sha256, String what) {
    byte[] read = readFile(path, -1, what);
    if (!Sha256.hex(read).equals(sha256)) {
      throw new Unreadable(path + " no longer holds " + what, null);
    }
    return read;
  }

  /** The {@code length} bytes at {@code path}, whose CRC32C must be {@code crc32c}. */
  static byte[] read(String path, int length, int crc32c, String what) {
    byte[] read = readFile(path, length, what);
    if (crc32c(read) != crc32c) {
      throw new Unreadable(path + " no longer holds " + what, null);
    }
    return read;
  }

  static int crc32c(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  /**
   * The {@code length} bytes at {@code path} (-1: as many as there are). With the length known
   * they are read into one array of that size: {@code readAllBytes} gathers chunks and then copies
   * them, holding a waiting module twice at its end (500 MB for one at the 256 MB entry cap,
   * beyond what {@code EntryBytes} counted).
   */
  private static byte[] readFile(String path, int length, String what) {
    byte[] read;
    // A path, not a pattern: OUT may hold '[', '*' or '?', which a match would take for a glob.
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false)))) {
      if (length < 0) {
        read = in.readAllBytes();
      } else {
        read = new byte[length];
        if (in.readNBytes(read, 0, length) != length || in.read() != -1) {
          throw new Unreadable(path + " no longer holds " + what + " (not " + length + " bytes long)", null);
        }
      }
    } catch (IOException e) {
      throw new Unreadable("cannot read back " + what + " from " + path, e);
    }
    return read;
  }

  /** The scan's own output changed or vanished under it: the run fails, no module is blamed. */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
