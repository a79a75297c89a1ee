package dev.btfscan.kernel;

import static dev.btfscan.kernel.TestImages.btf;
import static dev.btfscan.kernel.TestImages.concat;
import static dev.btfscan.kernel.TestImages.kernelPayload;
import static dev.btfscan.kernel.TestImages.vmlinux;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.elf.TestElf;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Self-decompressing images whose header does not say where the compressed kernel is: the
 * payload is found by its stream's magic, past the decoys real decompressors carry.
 */
class EmbeddedPayloadTest {
  private static final byte[] BTF = btf(ByteOrder.LITTLE_ENDIAN, 3);
  private static final byte[] BIG_ENDIAN_BTF = btf(ByteOrder.BIG_ENDIAN, 4);
  /** The xz magic as a decompressor's constant: stream flags whose CRC32 does not match. */
  private static final byte[] XZ_MAGIC_CONSTANT = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0, 1, 2, 3, 4};
  /** A gzip header that passes the header checks, then deflate data that is garbage. */
  private static final byte[] BAD_GZIP = concat(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3},
      new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});

  @Test
  void anArmZImageGivesTheBtfOfTheFlatImageInside() throws Exception {
    byte[] zImage = zImage(concat(XZ_MAGIC_CONSTANT, BAD_GZIP, kernelPayload("xz", flatImage(BTF))));

    KernelImage k = KernelImage.read(zImage);

    assertArrayEquals(BTF, k.btf());
    assertEquals("zImage+xz", k.format());
    assertEquals("arm", k.arch().orElseThrow());
    assertEquals("6.1.0-99-armmp", k.release().orElseThrow());
  }

  @Test
  void anS390ImageGivesItsBigEndianBtf() throws Exception {
    byte[] image = new byte[0x10100];
    System.arraycopy("S390EP".getBytes(StandardCharsets.US_ASCII), 0, image, 0x10008, 6);
    image = concat(image, XZ_MAGIC_CONSTANT, kernelPayload("zstd", flatImage(BIG_ENDIAN_BTF)), new byte[40]);

    KernelImage k = KernelImage.read(image);

    assertArrayEquals(BIG_ENDIAN_BTF, k.btf());
    assertEquals("s390+zstd", k.format());
    assertEquals("s390x", k.arch().orElseThrow());
  }

  @Test
  void anUnknownContainerOfAVmlinuxElfGivesItsBtfSection() throws Exception {
    byte[] elf = vmlinux(BTF, "Linux version 6.1.0-99-mips (x) #1");
    byte[] image = concat("unknown boot wrapper\0".getBytes(StandardCharsets.US_ASCII),
        kernelPayload("gzip", elf), new byte[100]);

    KernelImage k = KernelImage.read(image);

    assertArrayEquals(BTF, k.btf());
    assertEquals("embedded+gzip", k.format());
    assertEquals("6.1.0-99-mips", k.release().orElseThrow());
  }

  @Test
  void anElfBootWrapperGivesTheBtfOfTheKernelItDecompresses() throws Exception {
    // MIPS's vmlinuz: an executable ELF whose .data holds the compressed flat kernel
    byte[] wrapper = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).machine(8)
        .section(".text", new byte[256])
        .section(".data", concat(XZ_MAGIC_CONSTANT, kernelPayload("xz", flatImage(BTF))))
        .build();

    KernelImage k = KernelImage.read(wrapper);

    assertArrayEquals(BTF, k.btf());
    assertEquals("elf-wrapper+xz", k.format());
    assertEquals("mips64", k.arch().orElseThrow());
    assertEquals("6.1.0-99-armmp", k.release().orElseThrow());
  }

  @Test
  void aVmlinuxWithoutBtfIsNotTakenForABootWrapper() throws Exception {
    // the banner says it is the kernel itself; a stream in its data is not another kernel
    byte[] vmlinux = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).machine(62)
        .section(".rodata", "Linux version 6.1.0-99-amd64 (x) #1\0".getBytes(StandardCharsets.US_ASCII))
        .section(".data", kernelPayload("xz", flatImage(BTF)))
        .build();

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(vmlinux));

    assertTrue(e.getMessage().contains("no .BTF section"), e.getMessage());
  }

  @Test
  void anElfWithNothingInsideIsReportedAsAnElfWithoutBtf() {
    byte[] elf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).machine(8).section(".text", new byte[256]).build();

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(elf));

    assertTrue(e.getMessage().contains("no .BTF section"), e.getMessage());
  }

  @Test
  void aFlatKernelWithoutBtfSaysSoAndWhereItsPayloadWas() throws Exception {
    byte[] payload = kernelPayload("gzip", flatImage(new byte[0]));
    byte[] zImage = zImage(concat(BAD_GZIP, payload));

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(zImage));

    int at = 0x40 + BAD_GZIP.length;
    assertTrue(e.getMessage().startsWith("zImage+gzip payload at 0x" + Integer.toHexString(at) + ": no valid BTF blob"),
        e.getMessage());
  }

  @Test
  void aStreamThatDecodesToNoKernelIsPassedOver() throws Exception {
    byte[] notAKernel = kernelPayload("gzip", "release notes, not a kernel".getBytes(StandardCharsets.US_ASCII));
    byte[] zImage = zImage(concat(notAKernel, kernelPayload("xz", flatImage(BTF))));

    assertEquals("zImage+xz", KernelImage.read(zImage).format());
  }

  @Test
  void noStreamAtAllIsStillAnUnrecognisedImageThatNamesWhatWasTried() {
    byte[] zImage = zImage(concat(XZ_MAGIC_CONSTANT, BAD_GZIP, new byte[64]));

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(zImage));

    assertTrue(e.getMessage().startsWith("unrecognised kernel image (first bytes 00 00 a0 e1"), e.getMessage());
    assertTrue(e.getMessage().contains("ARM zImage with no compressed kernel found inside (gzip at 0x4c does not"
        + " decode"), e.getMessage());
  }

  @Test
  void theNumberOfStreamsTriedIsBounded() throws Exception {
    byte[][] parts = new byte[EmbeddedPayload.MAX_ATTEMPTS + 1][];
    for (int i = 0; i < parts.length - 1; i++) {
      parts[i] = BAD_GZIP;
    }
    parts[parts.length - 1] = kernelPayload("xz", flatImage(BTF)); // one decode too far
    byte[] zImage = zImage(concat(parts));

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(zImage));

    assertTrue(e.getMessage().endsWith("; gave up after " + EmbeddedPayload.MAX_ATTEMPTS + " candidate streams)"),
        e.getMessage());
  }

  @Test
  void aPayloadBeyondTheOutputLimitIsABombNotAMiss() throws Exception {
    byte[] zImage = zImage(kernelPayload("xz", new byte[4 << 20]));
    DecompressionLimits limits = DecompressionLimits.defaults().withMaxOutputBytes(1 << 20);

    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(zImage, limits));

    assertInstanceOf(DecompressionBombException.class, e.getCause());
    assertTrue(e.getMessage().startsWith("cannot decompress xz payload at 0x40: "), e.getMessage());
  }

  /** An ARM zImage head: nops, then the magic at 0x24, then {@code rest} from 0x40. */
  private static byte[] zImage(byte[] rest) {
    byte[] head = new byte[0x40];
    for (int i = 0; i < 0x24; i += 4) {
      head[i + 2] = (byte) 0xa0;
      head[i + 3] = (byte) 0xe1; // mov r0, r0
    }
    head[0x24] = 0x18;
    head[0x25] = 0x28;
    head[0x26] = 0x6f;
    head[0x27] = 0x01;
    return concat(head, rest);
  }

  /** A flat kernel binary: code, the banner, the BTF, data. */
  private static byte[] flatImage(byte[] btf) {
    byte[] banner = "Linux version 6.1.0-99-armmp (x) #1 SMP\n\0".getBytes(StandardCharsets.US_ASCII);
    return concat(new byte[64], banner, new byte[-banner.length & 3], btf, new byte[32]);
  }
}
