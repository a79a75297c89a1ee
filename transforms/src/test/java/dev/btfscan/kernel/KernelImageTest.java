package dev.btfscan.kernel;

import static dev.btfscan.kernel.TestImages.arm64Image;
import static dev.btfscan.kernel.TestImages.btf;
import static dev.btfscan.kernel.TestImages.concat;
import static dev.btfscan.kernel.TestImages.kernelPayload;
import static dev.btfscan.kernel.TestImages.vmlinux;
import static dev.btfscan.kernel.TestImages.zboot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.elf.ElfFormatException;
import dev.btfscan.elf.TestElf;
import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Format recognition, the plain formats (raw, elf, whole-file compressed) and EFI zboot. */
class KernelImageTest {
  private static final byte[] BTF = btf(ByteOrder.LITTLE_ENDIAN, 3);

  @Test
  void readsRawBtfAsIs() throws Exception {
    KernelImage k = KernelImage.read(Fixtures.bytes("kernels/images/tiny.btf"));
    assertEquals("raw", k.format());
    assertArrayEquals(Fixtures.bytes("kernels/images/tiny.btf"), k.btf());
    assertEquals(Optional.empty(), k.arch());
    assertEquals(Optional.empty(), k.release());
  }

  @Test
  void readsTheRealXzCompressedDebianVmlinuxBtfAsRawXz() throws Exception {
    KernelImage k = KernelImage.read(Fixtures.bytes("kernels/6.1.0-53-cloud-amd64.btf.xz"));
    String expected = Fixtures.bytes("kernels/6.1.0-53-cloud-amd64.btf.sha256").length > 0
        ? new String(Fixtures.bytes("kernels/6.1.0-53-cloud-amd64.btf.sha256"), StandardCharsets.US_ASCII).split(" ")[0]
        : "";
    assertEquals("raw.xz", k.format());
    assertEquals(expected, KernelImageFixturesTest.sha256(k.btf()));
  }

  @Test
  void rejectsRawBtfFollowedByExtraBytes() {
    byte[] file = concat(BTF, new byte[] {0, 0, 0});
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertEquals("raw BTF blob of 0x" + Integer.toHexString(BTF.length) + " bytes is followed by 3 unexpected bytes",
        e.getMessage());
  }

  @Test
  void rejectsRawBtfWithBrokenHeader() {
    byte[] file = BTF.clone();
    file[2] = 2;
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertEquals("raw is not valid BTF: unsupported version 2 at header offset 2", e.getMessage());
    assertInstanceOf(BtfFormatException.class, e.getCause());
  }

  @Test
  void rejectsSplitModuleBtfGivenAsRawKernelBtf() throws Exception {
    byte[] moduleBtf = dev.btfscan.elf.ModuleImage.from(Fixtures.bytes("modules/6.1.0-53-cloud-amd64/af_key.ko"))
        .btf().orElseThrow();
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(moduleBtf));
    assertEquals("raw is split BTF (its string section does not start with NUL): a module's BTF, not a kernel's",
        e.getMessage());
  }

  @Test
  void rejectsModuleObjectGivenAsVmlinux() {
    byte[] ko = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".BTF", BTF).build();
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(ko));
    assertEquals("elf: a relocatable object (a module?), not a vmlinux", e.getMessage());
  }

  @Test
  void readsVmlinuxElfWithReleaseAndArch() throws Exception {
    KernelImage k = KernelImage.read(vmlinux(BTF, "Linux version 6.1.0-53-cloud-amd64 (x@y) #1 SMP"));
    assertEquals("elf", k.format());
    assertArrayEquals(BTF, k.btf());
    assertEquals(Optional.of("6.1.0-53-cloud-amd64"), k.release());
    assertEquals(Optional.of("x86_64"), k.arch());
  }

  @Test
  void rejectsVmlinuxWithoutBtfSection() {
    byte[] elf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).section(".text", new byte[4]).build();
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(elf));
    assertEquals("elf: vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)", e.getMessage());
  }

  @Test
  void rejectsVmlinuxWhoseBtfSectionIsNotBtf() {
    byte[] elf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).section(".BTF", new byte[32]).build();
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(elf));
    assertEquals("elf .BTF section is not valid BTF: bad magic 0x0000 at header offset 0 (want 0xeb9f)", e.getMessage());
  }

  @Test
  void rejectsDamagedVmlinuxElfKeepingTheElfError() {
    byte[] elf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).section(".text", new byte[16])
        .sectionAt(".BTF", 1, 0x48, 0x10).build();
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(elf));
    assertEquals("elf: damaged vmlinux ELF: overlapping sections .text [off 0x40, size 0x10] and"
        + " .BTF [off 0x48, size 0x10]", e.getMessage());
    assertInstanceOf(ElfFormatException.class, e.getCause());
  }

  @Test
  void namesWholeFileCompressedFormatsByInnerFormatAndSuffix() throws Exception {
    byte[] xzElf = xz(vmlinux(BTF, null));
    assertEquals("elf.xz", KernelImage.read(xzElf).format());
    assertEquals("Image.gz", KernelImage.read(Fixtures.bytes("kernels/images/Image.gz")).format());
  }

  @Test
  void rejectsCompressedFileThatHoldsNoKernelImage() throws Exception {
    byte[] file = xz("just text".getBytes(StandardCharsets.US_ASCII));
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertEquals("xz-compressed kernel image decompressed to 0x9 bytes that are not an Image, ELF or raw BTF"
        + " (first bytes 6a 75 73 74 20 74 65 78)", e.getMessage());
  }

  @Test
  void rejectsUnrecognisedFile() {
    byte[] file = "#!/bin/sh\necho not a kernel\n".getBytes(StandardCharsets.US_ASCII);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertEquals("unrecognised kernel image (first bytes 23 21 2f 62 69 6e 2f 73): not a bzImage (\"HdrS\" at"
        + " 0x202), EFI zboot (\"zimg\" at 4), arm64/riscv Image (magic at 0x38), ARM zImage (magic at 0x24),"
        + " s390 image (\"S390EP\" at 0x10008), ELF, raw BTF, or one of the last three compressed, and no"
        + " compressed kernel found inside", e.getMessage());
  }

  @Test
  void rejectsEmptyFile() {
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(new byte[0]));
    assertEquals("empty kernel image file", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd"})
  void readsEfiZbootAroundACompressedImage(String type) throws Exception {
    byte[] image = arm64Image(concat(new byte[100], BTF));
    KernelImage k = KernelImage.read(zboot(type, kernelPayload(type, image)));
    assertEquals("zboot+" + type, k.format());
    assertArrayEquals(BTF, k.btf());
    assertEquals(Optional.of("aarch64"), k.arch());
  }

  @Test
  void rejectsZbootWhoseHeaderAndPayloadMagicDisagree() throws Exception {
    byte[] file = zboot("lzma", kernelPayload("gzip", arm64Image(BTF)));
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertEquals("EFI zboot header says compression \"lzma\" but the payload at 0x200 is gzip", e.getMessage());
  }

  @Test
  void rejectsZbootPayloadRunningPastEndOfFile() throws Exception {
    byte[] whole = zboot("gzip", kernelPayload("gzip", arm64Image(BTF)));
    byte[] file = Arrays.copyOf(whole, whole.length - 10);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertTrue(e.getMessage().startsWith("EFI zboot payload [off 0x200, length 0x"), e.getMessage());
    assertTrue(e.getMessage().endsWith("] runs past end of file (0x" + Integer.toHexString(file.length) + ")"),
        e.getMessage());
  }

  private static byte[] xz(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = new XZOutputStream(out, new LZMA2Options())) {
      o.write(data);
    }
    return out.toByteArray();
  }

  /**
   * A small gzip vmlinuz whose payload is larger than any real kernel (but expands far less than
   * the ratio limit) is refused at the kernel cap, not decompressed until the heap runs out.
   */
  @Test
  void aPayloadBeyondTheKernelCapIsRefusedNotHeldWhole() throws Exception {
    byte[] file = TestElf.gzipExpandingBeyond(dev.btfscan.io.compress.DecompressionLimits.DEFAULT_KERNEL_MAX_BYTES);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(file));
    assertTrue(e.getMessage().contains("expands beyond 128 MiB limit"), e.getMessage());
  }
}
