package dev.btfscan.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Bytes the scan wrote itself (a vmlinux BTF blob, a waiting module's scratch file) and reads
 * back by reference, checked against the SHA-256 they had when written.
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
    return read(path, sha256, -1, what);
  }

  /**
   * The {@code length} bytes at {@code path} (-1: as many as there are), which must hash to {@code
   * sha256}. With the length known they are read into one array of that size: {@code
   * readAllBytes} gathers chunks and then copies them, holding a waiting module twice at its end
   * (500 MB for one at the 256 MB entry cap, beyond what {@code EntryBytes} counted).
   */
  static byte[] read(String path, String sha256, int length, String what) {
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
    if (!Sha256.hex(read).equals(sha256)) {
      throw new Unreadable(path + " no longer holds " + what, null);
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
