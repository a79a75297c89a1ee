package dev.btfscan.io.util;

import java.io.IOException;
import java.io.InputStream;

/** Helpers shared by the io streams. */
public final class Streams {
  private Streams() {}

  /**
   * Skips up to {@code n} bytes of {@code in} by reading them, so that a stream which counts or
   * checks what it hands out (limits, windows, truncation) sees the skipped bytes too. Returns the
   * number of bytes skipped, less than {@code n} only at end of stream.
   */
  public static long skipByReading(InputStream in, long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }
}
