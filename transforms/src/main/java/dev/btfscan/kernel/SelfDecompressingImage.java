package dev.btfscan.kernel;

import dev.btfscan.elf.ElfFormatException;
import dev.btfscan.elf.ElfSectionTable;
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
 *   <li>an ELF boot wrapper (MIPS's vmlinuz from arch/mips/boot/compressed, powerpc's zImage
 *       wrappers): an executable ELF with no {@code .BTF} section and no Linux banner, so not a
 *       kernel itself but the decompressor of one ({@link #isElfBootWrapper}).
 * </ul>
 */
enum SelfDecompressingImage {
  ARM_ZIMAGE("zImage", "ARM zImage", "arm"),
  S390("s390", "s390 image", "s390x"),
  ELF_BOOT_WRAPPER("elf-wrapper", "ELF boot wrapper (an executable with no .BTF section and no Linux banner)", null),
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
    if (isElfBootWrapper(file)) {
      return ELF_BOOT_WRAPPER;
    }
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

  /**
   * An ELF executable that is not a kernel but carries one: no {@code .BTF} section and no
   * {@code linux_banner} (every vmlinux has the banner in .rodata; a decompressor has it only
   * inside its compressed payload). A vmlinux built without BTF has the banner, so it is still
   * reported as a vmlinux without {@code .BTF}.
   */
  static boolean isElfBootWrapper(byte[] file) {
    if (!ElfSectionTable.hasMagic(file)) {
      return false;
    }
    try {
      ElfSectionTable t = ElfSectionTable.read(file);
      return t.type() != ElfSectionTable.ET_REL && t.find(".BTF").isEmpty() && LinuxBanner.release(file).isEmpty();
    } catch (ElfFormatException e) {
      return false; // a damaged ELF is reported as one
    }
  }

  /** The {@code uname -m} arch of a flat kernel inside {@code file}, when its container tells. */
  Optional<String> arch(byte[] file) {
    if (this == ELF_BOOT_WRAPPER) {
      try {
        return Optional.of(ElfSectionTable.read(file).machineName());
      } catch (ElfFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(arch);
  }

  /** The first part of {@link KernelImage#format()}: zImage, s390, embedded. */
  String formatName() {
    return formatName;
  }

  String displayName() {
    return displayName;
  }

}
