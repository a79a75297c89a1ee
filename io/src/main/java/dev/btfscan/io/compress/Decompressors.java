package dev.btfscan.io.compress;

import com.github.luben.zstd.ZstdInputStream;
import dev.btfscan.io.util.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;

/**
 * Opens decoders for {@link Compression} formats. Every returned stream is bounded by
 * {@link DecompressionLimits} and reports malformed input as IOException (never as an unchecked
 * exception), and every decoder accepts concatenated streams where the format allows them
 * (multi-member gzip, multi-stream xz/bzip2/zstd), because packagers produce them.
 */
public final class Decompressors {
  /** Memory limit for xz/lzma dictionaries: xz -9 needs 65 MiB; a crafted header may ask for 4 GiB. */
  private static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;
  /** Blocks of a multi-block xz stream decoded ahead at once (see ParallelXzInputStream). */
  private static final int XZ_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

  private Decompressors() {}

  /**
   * Finds and self-tests the native xz now, on a daemon thread, instead of inside the first package
   * read (about 150 ms of processes and cold code on the reader's critical path otherwise). Only a
   * head start: whoever needs the tool first waits for the same one-time discovery.
   */
  public static void discoverNativeXzInBackground() {
    Thread t = new Thread(NativeXz::configured, "btfscan-xz-discovery");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Wraps {@code in} with the decoder for {@code compression}. The header of the format is read
   * eagerly for some formats, so a garbled header fails here with IOException.
   */
  public static InputStream open(InputStream in, Compression compression, DecompressionLimits limits) throws IOException {
    return open(in, compression, limits, XZ_THREADS);
  }

  /**
   * As {@link #open(InputStream, Compression, DecompressionLimits)}, every block of an xz stream
   * decoded on this thread, one after another: for a file held in memory whose decoder's memory is
   * counted ({@link WholeDecode}), one dictionary, not the blocks a parallel decode queues.
   */
  static InputStream openOnThisThread(InputStream in, Compression compression, DecompressionLimits limits)
      throws IOException {
    return open(in, compression, limits, 1);
  }

  private static InputStream open(InputStream in, Compression compression, DecompressionLimits limits, int xzThreads)
      throws IOException {
    CountingInputStream counted = new CountingInputStream(in);
    InputStream decoded;
    try {
      decoded = decoder(counted, compression, xzThreads);
    } catch (IOException e) {
      throw new IOException("cannot open " + compression.displayName() + " " + limits.description() + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("corrupt " + compression.displayName() + " " + limits.description() + ": " + e, e);
    }
    return new LimitedInputStream(decoded, counted, limits, compression);
  }

  /** How many bytes of a payload's start {@link #decodesOnEveryCore} reads at most. */
  public static final int PARALLEL_PROBE_BYTES = ParallelXzInputStream.PROBE_BYTES;

  /**
   * Whether the payload that starts with {@code head} (up to {@link #PARALLEL_PROBE_BYTES} of it)
   * decodes on the pool of every core, as {@link #open(InputStream, Compression, DecompressionLimits)}
   * would decode it: an xz stream whose blocks carry their sizes (threaded xz: Debian's data.tar.xz).
   * A package reader that opens one takes one of {@link ParallelDecodeSlots}.
   */
  public static boolean decodesOnEveryCore(byte[] head) {
    return XZ_THREADS >= 2 && ParallelXzInputStream.decodesInParallel(head, XZ_MEMORY_LIMIT_KIB);
  }

  /**
   * Smallest compressed .xz input held in memory that {@link WholeDecode} hands whole to the xz
   * tool (a process costs about 2 ms).
   */
  static final String NATIVE_MIN_BYTES_PROPERTY = "btfscan.xz.native.minBytes";
  private static final long DEFAULT_NATIVE_MIN_BYTES = 1 << 20;

  static long nativeMinBytes() {
    return Long.getLong(NATIVE_MIN_BYTES_PROPERTY, DEFAULT_NATIVE_MIN_BYTES);
  }

  /**
   * Whether the xz tool's decode of an in-memory .xz file may stand in for the Java one: the tool
   * verifies checks, and the file's own headers ({@code bound}, null when they do not read) show
   * the Java decode could not exceed {@code limits} either ({@link XzLayout}). Else only the Java
   * decode gives the bytes or the error, a {@link DecompressionBombException} included (or, for a
   * layout this misreads, the bytes).
   */
  static boolean nativeTakes(NativeXz xz, XzLayout.Bound bound, DecompressionLimits limits) {
    return bound != null && xz.verifiesChecks() && bound.total() <= limits.maxOutputBytes()
        && bound.total() <= Integer.MAX_VALUE - 8
        && (limits.maxRatio() == Long.MAX_VALUE || bound.worstRatio() <= limits.maxRatio());
  }

  /** The most an xz or lzma decoder may allocate for its dictionary: larger ones are refused. */
  static long maxDictionaryBytes() {
    return XZ_MEMORY_LIMIT_KIB * 1024L;
  }

  /** The file decoded by the tool into one array of {@code bound}'s total size, or null when the tool failed or gave another size. */
  static byte[] decodeNatively(NativeXz xz, byte[] src, int off, int len, XzLayout.Bound bound) {
    // a megabyte below Java's limit: whatever dictionary xz accepts, the Java decoder accepts too
    long memory = XZ_MEMORY_LIMIT_KIB * 1024L - (1 << 20);
    NativeXz.Decoded d = xz.decodeFile(src, off, len, (int) bound.total(), bound.total(), memory);
    return d != null && d.length() == bound.total() && d.bytes().length == d.length() ? d.bytes() : null;
  }

  /**
   * Decodes the one stream of {@code compression} that starts at {@code src[off]} and stops at that
   * stream's own end, whatever follows it in the {@code len} bytes: for a compressed kernel inside
   * a self-decompressing image (ARM zImage, s390), whose header does not say where the payload ends
   * and whose decompressor code and data follow it. Each format ends where its framing says: xz's
   * stream footer, gzip's and bzip2's end of member, lzma's end marker or declared size, lzop's end
   * block, a zstd or LZ4 frame's end, and for LZ4's legacy format (no end marker) its first block
   * shorter than 8 MiB. Bounded by {@code limits} like {@link #open}; the trailing bytes are never
   * decoded, so they cannot fail the stream.
   */
  public static InputStream openFirstStream(byte[] src, int off, int len, Compression compression,
      DecompressionLimits limits) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, src.length);
    if (compression == Compression.ZSTD) {
      len = zstdFrameLength(src, off, len);
    }
    CountingInputStream counted = new CountingInputStream(new java.io.ByteArrayInputStream(src, off, len));
    InputStream decoded;
    try {
      decoded = firstStreamDecoder(counted, compression);
    } catch (IOException e) {
      throw new IOException("cannot open " + compression.displayName() + " " + limits.description() + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("corrupt " + compression.displayName() + " " + limits.description() + ": " + e, e);
    }
    return new LimitedInputStream(decoded, counted, limits, compression);
  }

  /** The length of the zstd frame at {@code src[off]}, from its block headers (zstd-jni walks them). */
  private static int zstdFrameLength(byte[] src, int off, int len) throws IOException {
    long n;
    try {
      n = com.github.luben.zstd.Zstd.findFrameCompressedSize(Arrays.copyOfRange(src, off, off + len));
    } catch (RuntimeException e) {
      throw new IOException("corrupt zstd frame: " + e.getMessage(), e);
    }
    if (n <= 0 || n > len) {
      throw new IOException("corrupt zstd frame: its blocks do not end within the " + len + " bytes that follow it");
    }
    return (int) n;
  }

  private static InputStream firstStreamDecoder(InputStream in, Compression compression) throws IOException {
    switch (compression) {
      case GZIP:
        return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(false).get();
      case BZIP2:
        return new BZip2CompressorInputStream(in, false);
      case XZ:
        return new org.tukaani.xz.SingleXZInputStream(in, XZ_MEMORY_LIMIT_KIB);
      case LZ4_FRAME:
        return new FramedLZ4CompressorInputStream(in, false);
      case LZ4_LEGACY:
        return Lz4LegacyInputStream.firstStream(in);
      case LZMA: // these end at their own end marker (or size) already
      case ZSTD: // cut to its frame above
      case LZOP:
        return decoder(in, compression, 1);
      case NONE:
        throw new IllegalArgumentException("no stream to find the end of: uncompressed");
    }
    throw new AssertionError(compression);
  }

  /**
   * Detects the compression from the first bytes of {@code in} and opens its decoder. The
   * detected format is available from the result; the returned stream starts at the first
   * decoded byte.
   */
  public static Opened detectAndOpen(InputStream in, DecompressionLimits limits) throws IOException {
    BufferedInputStream buffered = in instanceof BufferedInputStream ? (BufferedInputStream) in : new BufferedInputStream(in);
    byte[] head = peek(buffered, Compression.MAX_MAGIC_LENGTH);
    Compression compression = Compression.detect(head);
    return new Opened(compression, open(buffered, compression, limits));
  }

  /** Reads up to {@code n} bytes without consuming them; {@code in} must support mark. */
  public static byte[] peek(InputStream in, int n) throws IOException {
    if (!in.markSupported()) {
      throw new IllegalArgumentException("peek needs a stream that supports mark/reset");
    }
    in.mark(n);
    byte[] head = new byte[n];
    int got = 0;
    while (got < n) {
      int r = in.read(head, got, n - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    in.reset();
    return got == n ? head : Arrays.copyOf(head, got);
  }

  private static InputStream decoder(InputStream in, Compression compression, int xzThreads) throws IOException {
    switch (compression) {
      case NONE:
        return in;
      case GZIP:
        return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
      case BZIP2:
        return new BZip2CompressorInputStream(in, true);
      case XZ:
        return ParallelXzInputStream.open(in, XZ_MEMORY_LIMIT_KIB, xzThreads);
      case LZMA:
        return new LZMAInputStream(in, XZ_MEMORY_LIMIT_KIB);
      case ZSTD:
        return new ZstdInputStream(in);
      case LZ4_FRAME:
        return new FramedLZ4CompressorInputStream(in, true);
      case LZ4_LEGACY:
        return new Lz4LegacyInputStream(in);
      case LZOP:
        return new LzopInputStream(in);
    }
    throw new AssertionError(compression);
  }

  /** A decoder together with the format that was detected for it. */
  public static final class Opened {
    private final Compression compression;
    private final InputStream stream;

    Opened(Compression compression, InputStream stream) {
      this.compression = compression;
      this.stream = stream;
    }

    public Compression compression() {
      return compression;
    }

    public InputStream stream() {
      return stream;
    }
  }
}
