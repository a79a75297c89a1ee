package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompressionTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[Math.max(values.length, Compression.MAX_MAGIC_LENGTH)];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void detectsEachFormatByItsMagic() {
    assertEquals(Compression.GZIP, Compression.detect(bytes(0x1f, 0x8b, 0x08, 0)));
    assertEquals(Compression.BZIP2, Compression.detect(bytes('B', 'Z', 'h', '9')));
    assertEquals(Compression.XZ, Compression.detect(bytes(0xfd, '7', 'z', 'X', 'Z', 0)));
    assertEquals(Compression.ZSTD, Compression.detect(bytes(0x28, 0xb5, 0x2f, 0xfd)));
    assertEquals(Compression.LZ4_FRAME, Compression.detect(bytes(0x04, 0x22, 0x4d, 0x18)));
    assertEquals(Compression.LZ4_LEGACY, Compression.detect(bytes(0x02, 0x21, 0x4c, 0x18)));
    assertEquals(Compression.LZOP, Compression.detect(bytes(0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a, 0x0a)));
  }

  @Test
  void detectsLegacyLzmaFromAPlausibleHeader() {
    // props 0x5d, dict 8 MiB, unknown size (what `lzma -6` and the kernel build write)
    byte[] head = bytes(0x5d, 0x00, 0x00, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    assertEquals(Compression.LZMA, Compression.detect(head));
    // dict 3 MiB (2^21 + 2^20) with a known size
    byte[] known = bytes(0x5d, 0x00, 0x00, 0x30, 0x00, 0x10, 0x27, 0, 0, 0, 0, 0, 0);
    assertEquals(Compression.LZMA, Compression.detect(known));
  }

  @Test
  void rejectsLzmaLookalikes() {
    // dictionary size 0x00801234 is neither 2^n nor 2^n + 2^(n-1)
    assertEquals(Compression.NONE,
        Compression.detect(bytes(0x5d, 0x34, 0x12, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)));
    // uncompressed size of 2^40 is not believable
    assertEquals(Compression.NONE,
        Compression.detect(bytes(0x5d, 0x00, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0)));
    // other props bytes are not accepted
    assertEquals(Compression.NONE,
        Compression.detect(bytes(0x5e, 0x00, 0x00, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)));
    // too short to hold the 13-byte header
    assertEquals(Compression.NONE, Compression.detect(new byte[] {0x5d, 0, 0, (byte) 0x80, 0}));
  }

  @Test
  void givesNoneForElfTarAndShortInput() {
    assertEquals(Compression.NONE, Compression.detect(bytes(0x7f, 'E', 'L', 'F', 2, 1, 1)));
    assertEquals(Compression.NONE, Compression.detect("usr/lib/modules/6.1.0/".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Compression.NONE, Compression.detect(new byte[0]));
    assertEquals(Compression.NONE, Compression.detect(new byte[] {0x1f}));
    assertEquals(Compression.NONE, Compression.detect(bytes('B', 'Z', 'h', 'x')));
  }

  @Test
  void detectsAtAnOffsetOfABuffer() {
    byte[] data = new byte[40];
    data[20] = (byte) 0xfd;
    data[21] = '7';
    data[22] = 'z';
    data[23] = 'X';
    data[24] = 'Z';
    data[25] = 0;
    ByteBuffer buf = ByteBuffer.wrap(data);
    assertEquals(Compression.XZ, Compression.detect(buf, 20));
    assertEquals(Compression.NONE, Compression.detect(buf, 0));
    assertEquals(Compression.NONE, Compression.detect(buf, 39));
    assertEquals(Compression.NONE, Compression.detect(buf, 41));
    assertEquals(0, buf.position());
  }
}
