package dev.btfscan.io.compress;

import dev.btfscan.io.util.CountingInputStream;
import dev.btfscan.io.util.Streams;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The stream handed to callers of {@link Decompressors#open}: counts decoded bytes and fails with a
 * {@link DecompressionBombException} once they pass the limits. It also turns unchecked exceptions
 * thrown by decoders on malformed input (commons-compress and aircompressor throw
 * IllegalArgumentException, IndexOutOfBounds and friends on some corrupt streams) into
 * IOExceptions, so a corrupt entry is reported as corrupt instead of failing a bundle.
 */
final class LimitedInputStream extends FilterInputStream {
  private final CountingInputStream compressed;
  private final DecompressionLimits limits;
  private final Compression compression;
  private long produced;
  private final byte[] one = new byte[1];

  LimitedInputStream(InputStream decoded, CountingInputStream compressed, DecompressionLimits limits, Compression compression) {
    super(decoded);
    this.compressed = compressed;
    this.limits = limits;
    this.compression = compression;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    // Never hand out more than one byte past the cap: reading exactly up to the cap is fine,
    // the byte after it proves the stream is too large.
    long allowed = limits.maxOutputBytes() - produced + 1;
    int want = (int) Math.min(len, Math.max(1, allowed));
    int n;
    try {
      n = in.read(b, off, want);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new IOException("corrupt " + compression.displayName() + " " + limits.description() + ": " + e, e);
    }
    if (n > 0) {
      produced += n;
      check();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Route through read() so skipped bytes are counted against the limits too.
    return Streams.skipByReading(this, n);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void check() throws DecompressionBombException {
    if (produced > limits.maxOutputBytes()) {
      throw new DecompressionBombException("decompression bomb: " + compression.displayName() + " " + limits.description()
          + " expands beyond " + DecompressionLimits.formatBytes(limits.maxOutputBytes()) + " limit");
    }
    if (produced >= limits.ratioCheckAfterBytes() && limits.maxRatio() != Long.MAX_VALUE) {
      long in = Math.max(1, compressed.count());
      if (produced / in > limits.maxRatio()) {
        throw new DecompressionBombException("decompression bomb: " + compression.displayName() + " " + limits.description()
            + " expands more than " + limits.maxRatio() + ":1 (" + produced + " bytes from " + in + ")");
      }
    }
  }
}
