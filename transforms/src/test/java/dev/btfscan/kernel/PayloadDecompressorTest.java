package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadDecompressorTest {
  @ParameterizedTest(name = "hint {0}")
  @ValueSource(longs = {0, 1, 3_000_000, 3_000_001, 1L << 40})
  void givesTheSameBytesWhateverTheSizeHintClaims(long hint) throws Exception {
    byte[] data = new byte[3_000_000];
    new Random(3).nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = TestImages.compressorStream("zstd", out)) {
      o.write(data);
    }
    byte[] z = out.toByteArray();

    byte[] got = PayloadDecompressor.decompress(z, 0, z.length, Compression.ZSTD, hint, DecompressionLimits.defaults());

    assertArrayEquals(data, got);
  }
}
