package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecompressorsTest {
  /** Formats with a Java writer, so the test compresses its own data. */
  enum Writable {
    GZIP, BZIP2, XZ, LZMA, ZSTD, LZ4_FRAME
  }

  static byte[] sample() {
    // Text with some entropy: compressible but not trivially.
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 200_000) {
      sb.append("symbol_").append(Integer.toHexString(random.nextInt(5000))).append(' ');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] compress(Writable format, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = writer(format, bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static OutputStream writer(Writable format, OutputStream out) throws IOException {
    switch (format) {
      case GZIP:
        return new GzipCompressorOutputStream(out);
      case BZIP2:
        return new BZip2CompressorOutputStream(out);
      case XZ:
        return new XZOutputStream(out, new LZMA2Options());
      case LZMA:
        return new LZMAOutputStream(out, new LZMA2Options(), -1);
      case ZSTD:
        return new ZstdOutputStream(out);
      case LZ4_FRAME:
        return new FramedLZ4CompressorOutputStream(out);
    }
    throw new AssertionError(format);
  }

  static byte[] decompress(byte[] data, DecompressionLimits limits) throws IOException {
    try (InputStream in = Decompressors.open(new ByteArrayInputStream(data), Compression.detect(head(data)), limits)) {
      return in.readAllBytes();
    }
  }

  private static byte[] head(byte[] data) {
    return Arrays.copyOf(data, Math.min(data.length, Compression.MAX_MAGIC_LENGTH));
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = DecompressorsTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name + " (run generate.sh next to it)");
      }
      return in.readAllBytes();
    }
  }

  /** The input generate.sh compresses into the small samples: `seq 1 5000`. */
  static byte[] seq5000() {
    return IntStream.rangeClosed(1, 5000).mapToObj(Integer::toString)
        .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.US_ASCII);
  }

  /** The input generate.sh compresses into the big samples: 9 MiB of one repeated line. */
  static byte[] bigRepeated() {
    byte[] line = "btf-scan lz4 legacy multi-block sample line\n".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[9 << 20];
    for (int i = 0; i < out.length; i++) {
      out[i] = line[i % line.length];
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Writable.class)
  void roundTripsDataCompressedByAJavaWriter(Writable format) throws IOException {
    byte[] data = sample();
    byte[] compressed = compress(format, data);
    assertEquals(Compression.valueOf(format.name()), Compression.detect(head(compressed)));
    assertArrayEquals(data, decompress(compressed, DecompressionLimits.defaults()));
  }

  @Test
  void passesUncompressedBytesThrough() throws IOException {
    byte[] data = "\u007fELF plain".getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals(data, decompress(data, DecompressionLimits.defaults()));
  }

  @Test
  void decodesConcatenatedGzipMembers() throws IOException {
    byte[] a = compress(Writable.GZIP, "first member\n".getBytes(StandardCharsets.US_ASCII));
    byte[] b = compress(Writable.GZIP, "second member\n".getBytes(StandardCharsets.US_ASCII));
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertEquals("first member\nsecond member\n",
        new String(decompress(both, DecompressionLimits.defaults()), StandardCharsets.US_ASCII));
  }

  @Test
  void decodesLz4LegacyWrittenByTheLz4Tool() throws IOException {
    byte[] small = resource("small.lz4legacy");
    assertEquals(Compression.LZ4_LEGACY, Compression.detect(head(small)));
    assertArrayEquals(seq5000(), decompress(small, DecompressionLimits.defaults()));
  }

  @Test
  void decodesMultiBlockLz4Legacy() throws IOException {
    assertArrayEquals(bigRepeated(), decompress(resource("big.lz4legacy"), DecompressionLimits.defaults()));
  }

  @Test
  void ignoresTheKernelsAppendedSizeAfterLz4Legacy() throws IOException {
    assertArrayEquals(seq5000(), decompress(resource("small-with-size.lz4legacy"), DecompressionLimits.defaults()));
  }

  @Test
  void decodesConcatenatedLz4LegacyStreams() throws IOException {
    byte[] one = resource("small.lz4legacy");
    byte[] two = new byte[one.length * 2];
    System.arraycopy(one, 0, two, 0, one.length);
    System.arraycopy(one, 0, two, one.length, one.length);
    byte[] expected = seq5000();
    byte[] doubled = new byte[expected.length * 2];
    System.arraycopy(expected, 0, doubled, 0, expected.length);
    System.arraycopy(expected, 0, doubled, expected.length, expected.length);
    assertArrayEquals(doubled, decompress(two, DecompressionLimits.defaults()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"small.lzo", "small-crc32.lzo"})
  void decodesLzopWrittenByTheLzopTool(String name) throws IOException {
    byte[] data = resource(name);
    assertEquals(Compression.LZOP, Compression.detect(head(data)));
    assertArrayEquals(seq5000(), decompress(data, DecompressionLimits.defaults()));
  }

  @Test
  void decodesMultiBlockLzop() throws IOException {
    assertArrayEquals(bigRepeated(), decompress(resource("big.lzo"), DecompressionLimits.defaults()));
  }

  @Test
  void reportsLzopChecksumMismatch() throws IOException {
    byte[] data = resource("small.lzo");
    data[data.length - 100] ^= 0x55; // inside the last block's data
    IOException e = assertThrows(IOException.class, () -> decompress(data, DecompressionLimits.defaults()));
    assertTrue(e.getMessage().contains("lz"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Writable.class)
  void truncatedJavaWrittenInputFailsWithIoException(Writable format) throws IOException {
    byte[] compressed = compress(format, sample());
    assertTruncationDetected(compressed, Compression.valueOf(format.name()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"small.lz4legacy", "big.lz4legacy", "small.lzo", "big.lzo"})
  void truncatedToolWrittenInputFailsWithIoException(String name) throws IOException {
    byte[] data = resource(name);
    assertTruncationDetected(data, Compression.detect(head(data)));
  }

  /** The format is passed in: a 5-byte prefix is too short to be detected as what it was. */
  private static void assertTruncationDetected(byte[] compressed, Compression format) {
    for (int cut : new int[] {5, compressed.length / 2, compressed.length - 3}) {
      byte[] truncated = Arrays.copyOf(compressed, cut);
      try {
        try (InputStream in = Decompressors.open(new ByteArrayInputStream(truncated), format,
            DecompressionLimits.defaults())) {
          in.readAllBytes();
        }
        fail("truncation at " + cut + " of " + compressed.length + " bytes was not detected");
      } catch (IOException expected) {
        // the type is what matters: IOException, not an unchecked exception or a hang
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Writable.class)
  void corruptInputNeverThrowsUncheckedExceptions(Writable format) throws IOException {
    byte[] compressed = compress(format, sample());
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      byte[] corrupt = compressed.clone();
      for (int i = 0; i < 8; i++) {
        int at = 16 + random.nextInt(corrupt.length - 16);
        corrupt[at] = (byte) random.nextInt(256);
      }
      try {
        decompress(corrupt, DecompressionLimits.defaults());
      } catch (IOException expected) {
        // fine: corrupt input is an IOException
      }
    }
  }

  @Test
  void enforcesTheAbsoluteOutputCapWithANamedMessage() throws IOException {
    byte[] zeros = new byte[3 << 20];
    byte[] compressed = compress(Writable.XZ, zeros);
    DecompressionLimits limits = DecompressionLimits.forModule().withMaxOutputBytes(2 << 20)
        .withDescription("payload of pkg/x.ko");
    DecompressionBombException e = assertThrows(DecompressionBombException.class, () -> decompress(compressed, limits));
    assertEquals("decompression bomb: xz payload of pkg/x.ko expands beyond 2 MiB limit", e.getMessage());
  }

  @Test
  void outputExactlyAtTheCapIsAccepted() throws IOException {
    byte[] data = new byte[1 << 20];
    byte[] compressed = compress(Writable.GZIP, data);
    assertEquals(data.length, decompress(compressed, DecompressionLimits.defaults().withMaxOutputBytes(1 << 20)).length);
  }

  @Test
  void enforcesTheRatioAfterTheMinimumAmount() throws IOException {
    byte[] zeros = new byte[4 << 20];
    byte[] compressed = compress(Writable.ZSTD, zeros);
    DecompressionLimits limits = DecompressionLimits.defaults().withMaxRatio(100).withRatioCheckAfterBytes(1 << 20)
        .withDescription("payload of linux.deb");
    DecompressionBombException e = assertThrows(DecompressionBombException.class, () -> decompress(compressed, limits));
    assertTrue(e.getMessage().startsWith("decompression bomb: zstd payload of linux.deb expands more than 100:1"), e.getMessage());
    // below the minimum amount the ratio is not checked
    assertEquals(zeros.length,
        decompress(compressed, limits.withRatioCheckAfterBytes(8 << 20)).length);
  }

  @Test
  void bombExceptionIsAnIoException() {
    assertTrue(IOException.class.isAssignableFrom(DecompressionBombException.class));
  }

  @Test
  void detectAndOpenKeepsTheDetectedFormat() throws IOException {
    byte[] data = sample();
    Decompressors.Opened opened = Decompressors.detectAndOpen(
        new ByteArrayInputStream(compress(Writable.BZIP2, data)), DecompressionLimits.defaults());
    assertEquals(Compression.BZIP2, opened.compression());
    assertArrayEquals(data, opened.stream().readAllBytes());
  }

  @Test
  void limitsRejectNonsenseSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DecompressionLimits.defaults().withMaxOutputBytes(0));
    assertEquals("maxOutputBytes must be positive, got 0", e.getMessage());
  }
}
