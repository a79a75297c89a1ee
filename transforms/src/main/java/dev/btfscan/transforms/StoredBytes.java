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
    byte[] read;
    // A path, not a pattern: OUT may hold '[', '*' or '?', which a match would take for a glob.
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false)))) {
      read = in.readAllBytes();
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
