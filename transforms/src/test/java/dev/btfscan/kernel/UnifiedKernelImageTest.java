package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unified Kernel Images: Debian's real systemd-stub with the fixture kernels objcopy'd in as
 * {@code .linux} (fixtures/scripts/make-fixtures.sh uki), and hand-made PE files for the damage
 * objcopy will not produce.
 */
class UnifiedKernelImageTest {
  static List<Arguments> fixtures() throws IOException {
    return Files.readAllLines(Fixtures.path("kernels/uki/EXPECTED.txt")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("\t"))
        .map(f -> Arguments.of(f[0], f[1], f[2], f[3], f[4]))
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void theKernelInTheLinuxSectionGivesItsBtfReleaseAndArch(String file, String sha256, String format, String release,
      String arch) throws Exception {
    byte[] bytes = Fixtures.bytes("kernels/uki/" + file);
    if (sha256.equals("none")) {
      assertThrows(KernelImageException.class, () -> KernelImage.read(bytes));
      return;
    }

    KernelImage k = KernelImage.read(bytes);

    assertEquals(sha256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.btf())));
    assertEquals(format, k.format());
    assertEquals(Optional.of(release), k.release());
    assertEquals(Optional.of(arch), k.arch());
  }

  @Test
  void aUkiWhoseKernelHasNoBtfSaysWhereTheKernelWas() {
    byte[] bytes = Fixtures.bytes("kernels/uki/uki-bzImage-gzip-nobtf.efi");

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(bytes));

    assertTrue(e.getMessage().matches("UKI \\.linux section at 0x[0-9a-f]+: .*vmlinux has no \\.BTF section.*"),
        e.getMessage());
  }

  @Test
  void theStubAloneIsNoUki() {
    assertEquals(false, UnifiedKernelImage.matches(Fixtures.bytes("kernels/uki/systemd-stub-alone.efi")));
  }

  @Test
  void theReleaseComesFromUnameWhenTheKernelDoesNotTellIt() throws Exception {
    byte[] raw = TestImages.btf(ByteOrder.LITTLE_ENDIAN, 2);
    byte[] uki = pe(0xaa64, section(".uname", "6.12.0-1-arm64\n".getBytes(StandardCharsets.US_ASCII)),
        section(".linux", raw));

    KernelImage k = KernelImage.read(uki);

    assertEquals("uki+raw", k.format());
    assertEquals(Optional.of("6.12.0-1-arm64"), k.release());
    assertEquals(Optional.of("aarch64"), k.arch());
  }

  @Test
  void aLinuxSectionPastTheEndOfTheFileIsReported() {
    byte[] uki = pe(0x8664, section(".linux", new byte[64]));
    ByteBuffer.wrap(uki).order(ByteOrder.LITTLE_ENDIAN).putInt(LINUX_HEADER + 20, uki.length - 16); // raw offset

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(uki));

    assertTrue(e.getMessage().startsWith("UKI: .linux section [off 0x"), e.getMessage());
    assertTrue(e.getMessage().contains("runs past end of file"), e.getMessage());
  }

  @Test
  void aUkiInsideAUkiIsNotFollowed() {
    byte[] inner = pe(0x8664, section(".linux", TestImages.btf(ByteOrder.LITTLE_ENDIAN, 1)));
    byte[] outer = pe(0x8664, section(".linux", inner));

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(outer));

    assertTrue(e.getMessage().endsWith("is itself a UKI, not a kernel image"), e.getMessage());
  }

  @Test
  void aHugeSectionCountIsNotAUki() {
    byte[] uki = pe(0x8664, section(".linux", new byte[64]));
    ByteBuffer.wrap(uki).order(ByteOrder.LITTLE_ENDIAN).putShort(PE + 6, (short) 0xffff);

    assertEquals(false, UnifiedKernelImage.matches(uki));
  }

  // ---- a minimal PE32+: DOS header, "PE\0\0" at 0x40, COFF header, no optional header, sections

  private static final int PE = 0x40;
  private static final int TABLE = PE + 24;
  /** The header of the first section {@link #pe} lays out: the .linux one in a one-section PE. */
  private static final int LINUX_HEADER = TABLE;

  private record Section(String name, byte[] data) {}

  private static Section section(String name, byte[] data) {
    return new Section(name, data);
  }

  private static byte[] pe(int machine, Section... sections) {
    int dataStart = TABLE + sections.length * 40;
    int size = dataStart;
    for (Section s : sections) {
      size += s.data().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3c, PE);
    b.putInt(PE, 0x00004550).putShort(PE + 4, (short) machine).putShort(PE + 6, (short) sections.length);
    int at = dataStart;
    for (int i = 0; i < sections.length; i++) {
      int h = TABLE + i * 40;
      byte[] name = sections[i].name().getBytes(StandardCharsets.US_ASCII);
      b.put(h, name);
      b.putInt(h + 8, sections[i].data().length).putInt(h + 16, sections[i].data().length).putInt(h + 20, at);
      b.put(at, sections[i].data());
      at += sections[i].data().length;
    }
    return b.array();
  }
}
