package dev.btfscan.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The self-decompressing images whose compressed kernel has no header field saying where it is,
 * recognised only to name them in reports and to tell the arch of a flat binary inside:
 * <ul>
 *   <li>ARM zImage (arch/arm/boot/compressed/head.S): the magic 0x016f2818 at 0x24, in the
 *       kernel's byte order (little-endian, or big-endian for a BE8 kernel).
 *   <li>s390 image (arch/s390/boot/head.S): "S390EP" at 0x10008, the IPL entry point marker.
 * </ul>
 */
enum SelfDecompressingImage {
  ARM_ZIMAGE("zImage", "ARM zImage", "arm"),
  S390("s390", "s390 image", "s390x"),
  UNKNOWN("embedded", "image", null);

  private static final int ZIMAGE_MAGIC_OFFSET = 0x24;
  private static final int ZIMAGE_MAGIC = 0x016f2818;
  private static final int S390_MARKER_OFFSET = 0x10008;
  private static final byte[] S390_MARKER = "S390EP".getBytes(StandardCharsets.US_ASCII);

  private final String formatName;
  private final String displayName;
  private final String arch;

  SelfDecompressingImage(String formatName, String displayName, String arch) {
    this.formatName = formatName;
    this.displayName = displayName;
    this.arch = arch;
  }

  static SelfDecompressingImage of(byte[] file) {
    if (file.length >= ZIMAGE_MAGIC_OFFSET + 4) {
      ByteBuffer b = ByteBuffer.wrap(file, ZIMAGE_MAGIC_OFFSET, 4);
      if (b.order(ByteOrder.LITTLE_ENDIAN).getInt(ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC
          || b.order(ByteOrder.BIG_ENDIAN).getInt(ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC) {
        return ARM_ZIMAGE;
      }
    }
    if (file.length >= S390_MARKER_OFFSET + S390_MARKER.length && Arrays.equals(file, S390_MARKER_OFFSET,
        S390_MARKER_OFFSET + S390_MARKER.length, S390_MARKER, 0, S390_MARKER.length)) {
      return S390;
    }
    return UNKNOWN;
  }

  /** The first part of {@link KernelImage#format()}: zImage, s390, embedded. */
  String formatName() {
    return formatName;
  }

  String displayName() {
    return displayName;
  }

  /** The {@code uname -m} arch a flat binary inside this container is for, when the container tells. */
  Optional<String> arch() {
    return Optional.ofNullable(arch);
  }
}
