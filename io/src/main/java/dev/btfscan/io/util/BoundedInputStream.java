package dev.btfscan.io.util;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A window of exactly {@code length} bytes of another stream. Close does not close the underlying
 * stream (archive readers keep reading after an entry). With {@code requireFull}, reaching EOF of
 * the underlying stream before {@code length} bytes is an {@link EOFException} naming {@code what},
 * so a truncated entry or block surfaces as truncation instead of a short read.
 */
public final class BoundedInputStream extends InputStream {
  private final InputStream in;
  private final long length;
  private final boolean requireFull;
  private final String what;
  private long position;

  public BoundedInputStream(InputStream in, long length, boolean requireFull, String what) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    this.in = in;
    this.length = length;
    this.requireFull = requireFull;
    this.what = what;
  }

  /** Bytes not yet read from the window. */
  public long remaining() {
    return length - position;
  }

  @Override
  public int read() throws IOException {
    if (position >= length) {
      return -1;
    }
    int b = in.read();
    if (b < 0) {
      return eof();
    }
    position++;
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, length - position));
    if (n < 0) {
      return eof();
    }
    position += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Through read(), so a truncated window is noticed while skipping too.
    return Streams.skipByReading(this, n);
  }

  /** Reads and discards whatever is left of the window. */
  public void drain() throws IOException {
    skip(Long.MAX_VALUE);
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), length - position);
  }

  private int eof() throws EOFException {
    if (requireFull) {
      throw new EOFException("truncated " + what + ": expected " + length + " bytes, got " + position);
    }
    return -1;
  }
}
