package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Decompressors#openFirstStream}: a compressed kernel inside a self-decompressing image is
 * followed by the rest of the decompressor, so the stream must end where its own framing says and
 * whatever follows must neither be decoded nor fail it.
 */
class FirstStreamTest {
  /** What the decompressor code after a piggy payload looks like to a decoder: anything. */
  private static final byte[] TRAILER = "\u0000\u0000\u00a0\u00e1 decompressor code and data follow \u00ff\u00fe"
      .repeat(20).getBytes(StandardCharsets.ISO_8859_1);

  @ParameterizedTest(name = "{0}")
  @EnumSource(DecompressorsTest.Writable.class)
  void decodesOneStreamAndIgnoresWhatFollowsIt(DecompressorsTest.Writable format) throws IOException {
    byte[] data = DecompressorsTest.sample();
    byte[] image = concat(TRAILER, DecompressorsTest.compress(format, data), TRAILER);

    assertArrayEquals(data, firstStream(image, TRAILER.length, Compression.valueOf(format.name())));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DecompressorsTest.Writable.class)
  void aStreamFollowedByAnotherOfItsFormatEndsAtTheFirst(DecompressorsTest.Writable format) throws IOException {
    byte[] first = "the first stream\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    byte[] second = "a second, concatenated\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    byte[] both = concat(DecompressorsTest.compress(format, first), DecompressorsTest.compress(format, second));

    assertArrayEquals(first, firstStream(both, 0, Compression.valueOf(format.name())));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DecompressorsTest.Writable.class)
  void aTruncatedStreamIsAnErrorNotAShortResult(DecompressorsTest.Writable format) throws IOException {
    byte[] whole = DecompressorsTest.compress(format, DecompressorsTest.sample());
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);

    assertThrows(IOException.class, () -> firstStream(cut, 0, Compression.valueOf(format.name())));
  }

  @Test
  void lz4LegacyEndsAtItsFirstBlockShorterThan8MiB() throws IOException {
    // `lz4 -l` of seq 1 5000 plus the kernel's 4-byte size trailer, then unrelated bytes
    byte[] image = concat(DecompressorsTest.resource("small-with-size.lz4legacy"), TRAILER);

    assertArrayEquals(DecompressorsTest.seq5000(), firstStream(image, 0, Compression.LZ4_LEGACY));
  }

  @Test
  void lz4LegacyOfSeveral8MiBBlocksReadsThemAll() throws IOException {
    byte[] big = DecompressorsTest.resource("big.lz4legacy"); // 9 MiB: one full block, one short
    byte[] image = concat(big, DecompressorsTest.resource("small.lz4legacy"));

    assertArrayEquals(DecompressorsTest.bigRepeated(), firstStream(image, 0, Compression.LZ4_LEGACY));
  }

  @Test
  void lzopEndsAtItsEndBlock() throws IOException {
    byte[] image = concat(DecompressorsTest.resource("small.lzo"), TRAILER);

    assertArrayEquals(DecompressorsTest.seq5000(), firstStream(image, 0, Compression.LZOP));
  }

  @Test
  void zstdWhoseBlocksRunPastTheEndIsAnError() throws IOException {
    byte[] whole = DecompressorsTest.compress(DecompressorsTest.Writable.ZSTD, DecompressorsTest.sample());

    assertThrows(IOException.class, () -> firstStream(Arrays.copyOf(whole, whole.length - 3), 0, Compression.ZSTD));
  }

  @Test
  void theOutputLimitHoldsForTheFirstStreamToo() throws IOException {
    byte[] image = concat(DecompressorsTest.compress(DecompressorsTest.Writable.XZ, new byte[1 << 20]), TRAILER);
    DecompressionLimits limits = DecompressionLimits.defaults().withMaxOutputBytes(64 << 10);

    assertThrows(DecompressionBombException.class, () -> {
      try (InputStream in = Decompressors.openFirstStream(image, 0, image.length, Compression.XZ, limits)) {
        in.readAllBytes();
      }
    });
  }

  private static byte[] firstStream(byte[] image, int at, Compression c) throws IOException {
    try (InputStream in = Decompressors.openFirstStream(image, at, image.length - at, c, DecompressionLimits.defaults())) {
      return in.readAllBytes();
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
