package dev.btfscan.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds the kernel release in a decompressed image through {@code linux_banner}, the
 * "Linux version 6.1.0-53-cloud-amd64 (debian-kernel@...) #1 SMP ..." string the kernel prints at
 * boot and keeps in {@code .rodata}. Other strings start the same way (printk formats, the
 * "%s version %s" proc banner), so a hit counts only if a plausible release follows: a digit first,
 * then release characters, ended by a space.
 */
final class LinuxBanner {
  private static final byte[] PREFIX = "Linux version ".getBytes(StandardCharsets.US_ASCII);
  /** {@code __NEW_UTS_LEN}: a release longer than this cannot be one. */
  private static final int MAX_RELEASE = 64;

  private LinuxBanner() {}

  static Optional<String> release(byte[] image) {
    for (int at = indexOf(image, PREFIX, 0); at >= 0; at = indexOf(image, PREFIX, at + 1)) {
      Optional<String> r = releaseToken(image, at + PREFIX.length, ' ');
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /**
   * The release token at {@code start}, ended by {@code terminator}: what the bzImage setup
   * header's {@code kernel_version} string and the banner both begin with.
   */
  static Optional<String> releaseToken(byte[] data, int start, char terminator) {
    if (start < 0 || start >= data.length || !Character.isDigit(data[start])) {
      return Optional.empty();
    }
    for (int p = start; p < data.length && p - start <= MAX_RELEASE; p++) {
      int c = data[p] & 0xff;
      if (c == terminator) {
        return Optional.of(new String(data, start, p - start, StandardCharsets.US_ASCII));
      }
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || c == '.' || c == '-' || c == '_' || c == '+' || c == '~';
      if (!ok) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** First index of {@code needle} in {@code hay} at or after {@code from}, or -1. */
  static int indexOf(byte[] hay, byte[] needle, int from) {
    byte first = needle[0];
    int last = hay.length - needle.length;
    outer:
    for (int i = Math.max(0, from); i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
