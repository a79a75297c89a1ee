package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/** The parallel xz decoder gives xz's bytes, and xz's refusals, on what xz -T writes. */
class ParallelXzInputStreamTest {
  @TempDir static Path tmp;
  static byte[] plain;

  @BeforeAll
  static void data() {
    plain = compressible(3_000_000);
  }

  /** Compressible but not trivial: words from a small alphabet, some random bytes (seeded). */
  static byte[] compressible(int size) {
    Random r = new Random(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] words = {"struct ", "btf_type ", "module ", "kernel ", "\n", "0x", "split ", "vmlinux "};
    while (out.size() < size) {
      if (r.nextInt(10) == 0) {
        byte[] noise = new byte[r.nextInt(64)];
        r.nextBytes(noise);
        out.writeBytes(noise);
      } else {
        out.writeBytes(words[r.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    return out.toByteArray();
  }

  /** {@code xz ARGS} of {@code data}; the test is skipped without the xz tool. */
  static byte[] xz(byte[] data, String... args) throws Exception {
    return XzCli.compress("xz", tmp, data, args);
  }

  static byte[] decode(byte[] xz) throws IOException {
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), 256 * 1024, 2)) {
      return in.readAllBytes();
    }
  }

  @Test
  void multiBlockStreamsDecodeInParallelToTheSameBytes() throws Exception {
    for (String check : List.of("crc32", "crc64", "sha256", "none")) {
      byte[] xz = xz(plain, "-T2", "--block-size=200KiB", "--check=" + check);
      try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), 256 * 1024, 2)) {
        assertInstanceOf(ParallelXzInputStream.class, in, check);
        assertArrayEquals(plain, in.readAllBytes(), check);
      }
    }
  }

  @Test
  void singleThreadedXzAndConcatenatedStreamsStillDecode() throws Exception {
    byte[] single = xz(plain, "-T1");
    assertArrayEquals(plain, decode(single));
    byte[] a = xz(plain, "-T2", "--block-size=500KiB");
    ByteArrayOutputStream cat = new ByteArrayOutputStream();
    cat.writeBytes(a);
    cat.writeBytes(new byte[8]); // stream padding
    cat.writeBytes(single);
    cat.writeBytes(a);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(plain);
    want.writeBytes(plain);
    want.writeBytes(plain);
    assertArrayEquals(want.toByteArray(), decode(cat.toByteArray()));
    assertArrayEquals(new byte[0], decode(xz(new byte[0], "-T2")));
  }

  @Test
  void damageAnywhereIsAnErrorAsWithXz() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=200KiB");
    Random r = new Random(7);
    for (int i = 0; i < 60; i++) {
      byte[] bad = xz.clone();
      int at = i < 10 ? bad.length - 1 - i : r.nextInt(bad.length);
      bad[at] ^= (byte) (1 << r.nextInt(8));
      assertThrows(IOException.class, () -> decode(bad), "flip at " + at);
      assertThrows(IOException.class, () -> xzJava(bad), "xz-java agrees: flip at " + at);
    }
    for (int cut : new int[] {13, 100, xz.length / 2, xz.length - 13, xz.length - 1}) {
      byte[] truncated = java.util.Arrays.copyOf(xz, cut);
      assertThrows(IOException.class, () -> decode(truncated), "cut at " + cut);
    }
  }

  private static byte[] xzJava(byte[] xz) throws IOException {
    try (InputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
      return in.readAllBytes();
    }
  }
}
