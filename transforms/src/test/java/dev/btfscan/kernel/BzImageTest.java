package dev.btfscan.kernel;

import static dev.btfscan.kernel.TestImages.btf;
import static dev.btfscan.kernel.TestImages.bzImage;
import static dev.btfscan.kernel.TestImages.kernelPayload;
import static dev.btfscan.kernel.TestImages.vmlinux;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BzImageTest {
  private static final byte[] BTF = btf(ByteOrder.LITTLE_ENDIAN, 3);
  private static final String BANNER =
      "Linux version 6.12.9+deb13-amd64 (debian-kernel@lists.debian.org) (gcc 14.2.0) #1 SMP PREEMPT_DYNAMIC";

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "xz", "zstd"})
  void takesBtfFromTheVmlinuxInsideTheCompressedPayload(String compressor) throws Exception {
    byte[] image = bzImage(27, kernelPayload(compressor, vmlinux(BTF, BANNER)), null);

    KernelImage k = KernelImage.read(image);

    assertEquals("bzImage+" + compressor, k.format());
    assertArrayEquals(BTF, k.btf());
    assertEquals(Optional.of("6.12.9+deb13-amd64"), k.release());
    assertEquals(Optional.of("x86_64"), k.arch());
  }

  @Test
  void readsSetupSectsZeroAsFour() throws Exception {
    byte[] image = bzImage(0, kernelPayload("gzip", vmlinux(BTF, null)), null);
    assertArrayEquals(BTF, KernelImage.read(image).btf());
  }

  @Test
  void fallsBackToTheSetupHeaderVersionStringWithoutBanner() throws Exception {
    byte[] image = bzImage(4, kernelPayload("zstd", vmlinux(BTF, null)),
        "6.1.0-53-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP");
    assertEquals(Optional.of("6.1.0-53-cloud-amd64"), KernelImage.read(image).release());
  }

  @Test
  void reportsNoReleaseWhenNeitherBannerNorSetupStringExists() throws Exception {
    assertEquals(Optional.empty(), KernelImage.read(bzImage(4, kernelPayload("gzip", vmlinux(BTF, null)), null)).release());
  }

  @Test
  void rejectsSetupHeaderCutBeforeThePayloadFields() {
    byte[] image = Arrays.copyOf(bzImage(4, new byte[16], null), 0x240);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("truncated bzImage setup header: file has 0x240 bytes, payload fields end at 0x250", e.getMessage());
  }

  @Test
  void rejectsBootProtocolOlderThanThePayloadFields() {
    byte[] image = bzImage(4, new byte[16], null);
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putShort(0x206, (short) 0x204);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("bzImage boot protocol 2.04 predates the payload fields (2.08)", e.getMessage());
  }

  @Test
  void rejectsPayloadRunningPastEndOfFile() throws Exception {
    byte[] image = bzImage(4, kernelPayload("gzip", vmlinux(BTF, null)), null);
    ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, 0x100000);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("bzImage payload [off 0xb00, length 0x100000] runs past end of file (0x"
        + Integer.toHexString(image.length) + ")", e.getMessage());
  }

  @Test
  void rejectsPayloadWithoutCompressorMagic() {
    byte[] image = bzImage(4, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, null);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("bzImage payload at 0xb00 has no known compressor magic (01 02 03 04 05 06 07 08)", e.getMessage());
  }

  @Test
  void rejectsPayloadThatDecompressesToSomethingOtherThanElf() throws Exception {
    byte[] image = bzImage(4, kernelPayload("zstd", "not a kernel at all".getBytes()), null);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("bzImage+zstd payload decompressed to 0x13 bytes that are not a vmlinux ELF"
        + " (first bytes 6e 6f 74 20 61 20 6b 65)", e.getMessage());
  }

  @Test
  void reportsCorruptPayloadWithTheDecompressorError() throws Exception {
    byte[] payload = kernelPayload("xz", vmlinux(BTF, BANNER));
    payload[payload.length / 2] ^= 0x5a;
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(bzImage(4, payload, null)));
    assertTrue(e.getMessage().startsWith("cannot decompress bzImage+xz payload: "), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void stopsAtTheDecompressionLimit() throws Exception {
    byte[] image = bzImage(4, kernelPayload("zstd", new byte[8 << 20]), null);
    DecompressionLimits limits = DecompressionLimits.defaults().withMaxOutputBytes(1 << 20);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image, limits));
    assertInstanceOf(DecompressionBombException.class, e.getCause());
    assertTrue(e.getMessage().startsWith("cannot decompress bzImage+zstd payload: "), e.getMessage());
  }

  @Test
  void survivesALyingSizeTrailer() throws Exception {
    byte[] payload = kernelPayload("zstd", vmlinux(BTF, null));
    ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, -1);
    assertArrayEquals(BTF, KernelImage.read(bzImage(4, payload, null)).btf());
    ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, 7);
    assertArrayEquals(BTF, KernelImage.read(bzImage(4, payload, null)).btf());
  }

  @Test
  void neverThrowsUncheckedExceptionsOnDamagedFixtureImage() throws Exception {
    byte[] good = Fixtures.bytes("kernels/images/bzImage-gzip");
    Random random = new Random(11);
    for (int round = 0; round < 2000; round++) {
      byte[] image = good.clone();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        // Header fields in the first 0x260 bytes, payload bytes elsewhere.
        int at = random.nextBoolean() ? 0x1f0 + random.nextInt(0x70) : random.nextInt(image.length);
        image[at] = (byte) random.nextInt();
      }
      try {
        KernelImage.read(image);
      } catch (KernelImageException expected) {
        // described damage is the contract
      }
    }
  }
}
