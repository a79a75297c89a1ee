package dev.btfscan.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A Unified Kernel Image (the UAPI group's UKI: systemd's {@code ukify}, or {@code objcopy
 * --add-section} onto {@code linux*.efi.stub}): a PE/COFF EFI application, systemd-stub, whose
 * sections carry the kernel's own EFI image ({@code .linux}: a bzImage on x86, an Image or EFI
 * zboot image on arm64 and riscv64), the initrd ({@code .initrd}), the release ({@code .uname}),
 * the command line and more. Fedora's {@code kernel-uki-virt} installs one as
 * {@code lib/modules/<release>/vmlinuz-virt.efi}; boot loaders find others in
 * {@code EFI/Linux/}.
 *
 * <p>The PE framing is checked before anything is sliced: "MZ", {@code e_lfanew} inside the file,
 * "PE\0\0", the section table inside the file, the {@code .linux} section's raw data inside the
 * file. A kernel's own EFI stub (bzImage, zboot) is a PE too, but has no {@code .linux} section.
 */
final class UnifiedKernelImage {
  private static final int E_LFANEW = 0x3c;
  private static final int COFF_HEADER_SIZE = 20;
  private static final int SECTION_HEADER_SIZE = 40;
  /** PE/COFF allows 96 sections; a bound keeps a hostile count from costing a long loop. */
  private static final int MAX_SECTIONS = 96;

  /** The kernel image inside, and what the UKI says about it. */
  record Parsed(byte[] linux, long linuxOffset, Optional<String> uname, Optional<String> arch) {}

  private UnifiedKernelImage() {}

  /** Whether {@code file} is a well-framed PE with a {@code .linux} section. */
  static boolean matches(byte[] file) {
    try {
      return parse(file).isPresent();
    } catch (KernelImageException e) {
      return false;
    }
  }

  /**
   * The sections of a UKI, or empty when {@code file} is not a PE with a {@code .linux} section.
   *
   * @throws KernelImageException a PE with a {@code .linux} section whose bytes lie outside the file
   */
  static Optional<Parsed> parse(byte[] file) throws KernelImageException {
    if (file.length < E_LFANEW + 4 || file[0] != 'M' || file[1] != 'Z') {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long pe = Integer.toUnsignedLong(b.getInt(E_LFANEW));
    if (pe < E_LFANEW + 4 || pe > file.length - 4 - COFF_HEADER_SIZE
        || b.getInt((int) pe) != 0x00004550) { // "PE\0\0"
      return Optional.empty();
    }
    int coff = (int) pe + 4;
    int machine = b.getShort(coff) & 0xffff;
    int sections = b.getShort(coff + 2) & 0xffff;
    int optionalHeader = b.getShort(coff + 16) & 0xffff;
    long table = (long) coff + COFF_HEADER_SIZE + optionalHeader;
    if (sections > MAX_SECTIONS || table + (long) sections * SECTION_HEADER_SIZE > file.length) {
      return Optional.empty();
    }
    byte[] linux = null;
    long linuxOffset = 0;
    Optional<String> uname = Optional.empty();
    for (int i = 0; i < sections; i++) {
      int h = (int) table + i * SECTION_HEADER_SIZE;
      String name = sectionName(file, h);
      if (!name.equals(".linux") && !name.equals(".uname")) {
        continue;
      }
      long virtualSize = Integer.toUnsignedLong(b.getInt(h + 8));
      long rawSize = Integer.toUnsignedLong(b.getInt(h + 16));
      long rawOffset = Integer.toUnsignedLong(b.getInt(h + 20));
      // raw data is padded to the file alignment; the virtual size is the content's own
      long size = virtualSize != 0 && virtualSize <= rawSize ? virtualSize : rawSize;
      if (rawOffset > file.length || size > file.length - rawOffset) {
        if (name.equals(".linux")) {
          throw new KernelImageException("UKI: .linux section [off 0x" + Long.toHexString(rawOffset) + ", size 0x"
              + Long.toHexString(size) + "] runs past end of file (0x" + Integer.toHexString(file.length) + ")");
        }
        continue; // a damaged .uname only loses the release it would have told
      }
      byte[] data = Arrays.copyOfRange(file, (int) rawOffset, (int) (rawOffset + size));
      if (name.equals(".linux") && linux == null) {
        linux = data;
        linuxOffset = rawOffset;
      } else if (name.equals(".uname") && uname.isEmpty()) {
        uname = release(data);
      }
    }
    if (linux == null) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(linux, linuxOffset, uname, arch(machine)));
  }

  /** The 8-byte, NUL-padded section name ("/N" long names are not used by UKI sections). */
  private static String sectionName(byte[] file, int header) {
    int n = 0;
    while (n < 8 && file[header + n] != 0) {
      n++;
    }
    return new String(file, header, n, StandardCharsets.ISO_8859_1);
  }

  /** The {@code .uname} text ({@code uname -r}), when it looks like a release. */
  private static Optional<String> release(byte[] data) {
    String s = new String(data, StandardCharsets.ISO_8859_1);
    int nul = s.indexOf('\0');
    s = (nul >= 0 ? s.substring(0, nul) : s).strip();
    return s.matches("[0-9][\\x21-\\x7e]{0,127}") ? Optional.of(s) : Optional.empty();
  }

  /** IMAGE_FILE_MACHINE_* as {@code uname -m} names it. */
  private static Optional<String> arch(int machine) {
    switch (machine) {
      case 0x8664:
        return Optional.of("x86_64");
      case 0xaa64:
        return Optional.of("aarch64");
      case 0x014c:
        return Optional.of("i686");
      case 0x5064:
        return Optional.of("riscv64");
      case 0x6264:
        return Optional.of("loongarch64");
      default:
        return Optional.empty();
    }
  }
}
