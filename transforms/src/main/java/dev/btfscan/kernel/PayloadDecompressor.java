package dev.btfscan.kernel;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Decompresses a payload held in memory into one array, within {@link DecompressionLimits}.
 *
 * <p>A vmlinux is 50-100 MB. {@code readAllBytes} would hold it twice (chunks, then the result);
 * here the output array is sized from the decompressed size the kernel build records (the last
 * four bytes of a bzImage payload), so a correct hint means no copy at all. The hint is untrusted:
 * the first allocation is capped (absolutely and relative to the input), the array grows if the
 * hint was low and is trimmed once if it was high, and the decoder's limits still bound the total.
 */
final class PayloadDecompressor {
  /** Largest first allocation taken on the word of a hint; real kernels are far below. */
  static final int MAX_TRUSTED_HINT = 512 << 20;
  /**
   * Largest output/input ratio a hint is believed up to: kernel payloads expand 3-8x (lz4 3.8x,
   * xz about 7x on Debian's vmlinux). A damaged 1 KB Image.gz whose gzip trailer claims 4 GiB must
   * not allocate half a gigabyte; if the hint was right after all, the array just grows.
   */
  static final int MAX_TRUSTED_RATIO = 32;
  private static final int DEFAULT_FIRST = 1 << 20;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private PayloadDecompressor() {}

  /**
   * Decodes {@code length} bytes at {@code offset} of {@code src}.
   *
   * @param sizeHint expected decompressed size, 0 when unknown
   */
  static byte[] decompress(
      byte[] src, int offset, int length, Compression compression, long sizeHint, DecompressionLimits limits)
      throws IOException {
    byte[] whole = Decompressors.decodeNatively(src, offset, length, compression, limits);
    if (whole != null) {
      return whole; // the xz tool's exact-size output: no copy
    }
    long trusted = Math.min(Math.min(limits.maxOutputBytes(), MAX_TRUSTED_HINT), (long) length * MAX_TRUSTED_RATIO);
    long first = sizeHint > 0 ? Math.max(1, Math.min(sizeHint, trusted)) : DEFAULT_FIRST;
    byte[] buf = new byte[(int) first];
    int n = 0;
    try (InputStream in = Decompressors.open(src, offset, length, compression, limits)) {
      while (true) {
        if (n == buf.length) {
          int next = in.read();
          if (next < 0) {
            return buf;
          }
          if (buf.length == MAX_ARRAY) {
            throw new IOException("decompressed " + compression.displayName() + " payload exceeds a Java array");
          }
          buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, Math.max(16L, buf.length * 2L)));
          buf[n++] = (byte) next;
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
        n += r;
      }
    }
  }
}
