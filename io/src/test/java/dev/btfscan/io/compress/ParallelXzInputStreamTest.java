package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void aStreamCutShortGivesEveryWholeBlockBeforeTheCutThenItsError() throws Exception {
    int block = 200 << 10;
    byte[] xz = xz(plain, "-T2", "--block-size=200KiB", "--check=crc64");
    List<Integer> ends = blockEnds(xz, 8);
    assertTrue(ends.size() >= 4, "several blocks");
    for (int k = 1; k < ends.size(); k++) {
      // cut inside block k + 1: blocks 1..k are whole, however far ahead the decoder reads
      int cut = (ends.get(k - 1) + ends.get(k)) / 2;
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      IOException error = null;
      try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(java.util.Arrays.copyOf(xz, cut)),
          256 * 1024, 2)) {
        try {
          for (int n; (n = in.read(buf)) > 0; ) {
            got.write(buf, 0, n);
          }
        } catch (IOException e) {
          error = e;
        }
        IOException first = error;
        assertSame(first, assertThrows(IOException.class, () -> in.read(buf)), "a later read throws it again");
      }
      assertInstanceOf(java.io.EOFException.class, error, "cut at " + cut);
      assertArrayEquals(java.util.Arrays.copyOf(plain, k * block), got.toByteArray(), "cut in block " + (k + 1));
    }
  }

  /** Where each block of {@code xz} (one stream, sizes in every block header) ends, for a check of {@code checkSize} bytes. */
  private static List<Integer> blockEnds(byte[] xz, int checkSize) {
    List<Integer> ends = new java.util.ArrayList<>();
    int off = 12;
    while (xz[off] != 0) {
      int headerSize = ((xz[off] & 0xff) + 1) * 4;
      long compressed = 0;
      for (int i = 0, p = off + 2; ; i++, p++) { // the compressed size: the header's first VLI
        compressed |= (long) (xz[p] & 0x7f) << (7 * i);
        if ((xz[p] & 0x80) == 0) {
          break;
        }
      }
      off += headerSize + (int) ((compressed + 3) & ~3L) + checkSize;
      ends.add(off);
    }
    return ends;
  }

  private static byte[] xzJava(byte[] xz) throws IOException {
    try (InputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
      return in.readAllBytes();
    }
  }
}
