package dev.btfscan.kernel;

import static dev.btfscan.kernel.TestImages.arm64Image;
import static dev.btfscan.kernel.TestImages.btf;
import static dev.btfscan.kernel.TestImages.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The raw arm64 {@code Image}: no section table, so the BTF is found by validated search. */
class RawImageTest {
  private static final byte[] BANNER =
      "\0Linux version %s\0Linux version 6.12.38+deb13-arm64 (debian-kernel@lists.debian.org) #1 SMP\0"
          .getBytes(StandardCharsets.US_ASCII);

  @Test
  void findsBtfBetweenCodeAndDataWithBannerRelease() throws Exception {
    byte[] blob = btf(ByteOrder.LITTLE_ENDIAN, 5);
    byte[] image = arm64Image(concat(new byte[301], blob, new byte[77], BANNER));

    KernelImage k = KernelImage.read(image);

    assertEquals("Image", k.format());
    assertArrayEquals(blob, k.btf());
    assertEquals(Optional.of("6.12.38+deb13-arm64"), k.release());
    assertEquals(Optional.of("aarch64"), k.arch());
  }

  @Test
  void skipsMagicBytesWhoseHeaderDoesNotValidate() throws Exception {
    byte[] blob = btf(ByteOrder.LITTLE_ENDIAN, 2);
    // A decoy: magic, version 1, flags 0, then a header length that is nonsense.
    byte[] decoy = {(byte) 0x9f, (byte) 0xeb, 1, 0, (byte) 0xff, 0x7f, 0, 0, 1, 2, 3, 4};
    byte[] image = arm64Image(concat(decoy, new byte[40], blob));
    assertArrayEquals(blob, KernelImage.read(image).btf());
  }

  @Test
  void skipsAValidHeaderWhoseTypeSectionDoesNotParse() throws Exception {
    byte[] real = btf(ByteOrder.LITTLE_ENDIAN, 1);
    byte[] broken = btf(ByteOrder.LITTLE_ENDIAN, 9);
    broken[24 + 4 + 3] = 0x55; // kind 85 in the first record's info: cannot be sized
    byte[] image = arm64Image(concat(broken, new byte[8], real));
    assertArrayEquals(real, KernelImage.read(image).btf());
  }

  @Test
  void prefersTheLargestValidBlobOverAnEarlierSmallerOne() throws Exception {
    byte[] small = btf(ByteOrder.LITTLE_ENDIAN, 1);
    byte[] large = btf(ByteOrder.LITTLE_ENDIAN, 40);
    byte[] image = arm64Image(concat(small, new byte[16], large, new byte[16]));
    assertArrayEquals(large, KernelImage.read(image).btf());
  }

  @Test
  void findsBigEndianBtfInABigEndianKernel() throws Exception {
    byte[] blob = btf(ByteOrder.BIG_ENDIAN, 4);
    byte[] image = arm64Image(concat(new byte[13], blob));
    image[0x18] = 1; // flags bit 0: big-endian kernel
    KernelImage k = KernelImage.read(image);
    assertArrayEquals(blob, k.btf());
    assertEquals(Optional.of("aarch64_be"), k.arch());
  }

  @Test
  void rejectsImageWithoutValidBtf() {
    byte[] noise = new byte[4096];
    for (int i = 0; i < noise.length; i += 64) {
      noise[i] = (byte) 0x9f;
      noise[i + 1] = (byte) 0xeb;
      noise[i + 2] = 1;
    }
    byte[] image = arm64Image(noise);
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(image));
    assertEquals("Image: no valid BTF blob in 0x1040 bytes (no BTF magic starts a blob whose header, types"
        + " and strings check out; kernel built without CONFIG_DEBUG_INFO_BTF?)", e.getMessage());
  }

  @Test
  void rejectsBlobCutShortByTheEndOfTheImage() {
    byte[] blob = btf(ByteOrder.LITTLE_ENDIAN, 3);
    byte[] image = arm64Image(Arrays.copyOf(blob, blob.length - 1));
    assertThrows(KernelImageException.class, () -> KernelImage.read(image));
  }

  @Test
  void givesUpOnAnImageStuffedWithCandidateHeaders() {
    byte[] body = new byte[(BtfLocator.MAX_CANDIDATES + 1) * 8];
    for (int i = 0; i < body.length; i += 8) {
      body[i] = (byte) 0x9f;
      body[i + 1] = (byte) 0xeb;
      body[i + 2] = 1;
    }
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(arm64Image(body)));
    assertEquals("BTF search gave up: more than 4096 candidate BTF headers (a real kernel has a handful;"
        + " crafted image?)", e.getMessage());
  }

  @Test
  void givesUpWhenCandidateTypeSectionsWouldBeWalkedOverAndOver() {
    // Valid headers every 24 bytes, each claiming a type section that covers the rest of the
    // image: walking each one would be quadratic in the image size.
    int n = 2000;
    byte[] body = new byte[n * 24 + 12];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < n; k++) {
      int at = k * 24;
      int rest = body.length - at - 24;
      b.putShort(at, (short) 0xeb9f).put(at + 2, (byte) 1).putInt(at + 4, 24)
          .putInt(at + 8, 0).putInt(at + 12, rest - rest % 4).putInt(at + 16, 0).putInt(at + 20, 0);
    }
    KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(arm64Image(body)));
    assertTrue(e.getMessage().startsWith("BTF search gave up at 0x"), e.getMessage());
  }

  @Test
  void recognisesRiscvImageHeader() throws Exception {
    byte[] blob = btf(ByteOrder.LITTLE_ENDIAN, 2);
    byte[] image = arm64Image(blob);
    image[0x38] = 'R';
    image[0x39] = 'S';
    image[0x3a] = 'C';
    image[0x3b] = 0x05;
    assertEquals(Optional.of("riscv64"), KernelImage.read(image).arch());
  }
}
