package dev.btfscan.io.pkg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Container formats a package can have, told apart by structure, never by file name. */
public enum PackageFormat {
  /** RPM: 96-byte lead starting {@code ed ab ee db}, signature and main header, cpio payload. */
  RPM,
  /** Debian package: ar archive ({@code "!<arch>\n"}) holding {@code data.tar[.ext]}. */
  DEB,
  /** POSIX/GNU tar, possibly compressed (also Arch {@code .pkg.tar.zst}). */
  TAR,
  /** A directory tree read as one package. */
  DIRECTORY,
  /**
   * A kernel file named as an input on its own (a module, an image, raw BTF): a package of that
   * one file. Told by name, as kernel files inside packages are ({@link KernelFiles}).
   */
  FILE;

  static final byte[] RPM_LEAD_MAGIC = {(byte) 0xed, (byte) 0xab, (byte) 0xee, (byte) 0xdb};
  static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] USTAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);
  static final int USTAR_OFFSET = 257;
  /** Bytes of decompressed data needed to recognise tar. */
  static final int TAR_HEAD_LENGTH = 512;

  /** RPM or DEB from the first bytes of the stored file, or null. */
  static PackageFormat detectContainer(byte[] head) {
    if (startsWith(head, 0, RPM_LEAD_MAGIC)) {
      return RPM;
    }
    if (startsWith(head, 0, AR_MAGIC)) {
      return DEB;
    }
    return null;
  }

  /** Whether (decompressed) bytes start with a ustar or GNU tar header. */
  static boolean looksLikeTar(byte[] head) {
    return startsWith(head, USTAR_OFFSET, USTAR_MAGIC);
  }

  private static boolean startsWith(byte[] data, int offset, byte[] magic) {
    return data.length >= offset + magic.length
        && Arrays.equals(data, offset, offset + magic.length, magic, 0, magic.length);
  }
}
