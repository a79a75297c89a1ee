package dev.btfscan.io.compress;

import dev.btfscan.io.util.ByteBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decompresses a file held in memory into one array of exactly its decompressed size, and lends
 * that array to the caller's {@link Use}, its bytes counted in {@link DecodedBytes} from the first
 * allocation until the use returns.
 *
 * <p>The first array has the size the file declares (xz's index, a zstd frame header, gzip's
 * trailer) or the caller's hint, believed up to {@link #MAX_TRUSTED_RATIO} times the input and
 * the output cap; a right size means no copy at all ({@code readAllBytes} holds the output twice).
 * A wrong one makes the array grow (doubling) or be trimmed once at the end, each copy counted
 * beside the array it replaces. When the budget has no room for a copy, the decode gives back all
 * it holds, waits for the size it now knows it needs, and starts again from the file's start: it
 * never waits while holding, so two decodes cannot wait for each other.
 *
 * <p>An xz or lzma decoder's dictionary, which its header asks for and which can be a few hundred
 * MB, is counted beside the array while the decoder is open; an xz file's blocks decode one after
 * another on the caller's thread, so that one dictionary is all the decoder holds. A zstd
 * decoder's window (native memory, up to 128 MiB) is counted the same way.
 */
public final class WholeDecode {
  /** What the caller does with the decoded bytes: they are counted, and the caller's, until it returns. */
  @FunctionalInterface
  public interface Use<R, X extends Exception> {
    R apply(byte[] decoded) throws X;
  }

  /**
   * Largest output/input ratio a declared size is believed up to: modules and kernels expand 3-8x
   * (lz4 3.8x, xz about 7x on Debian's vmlinux). A damaged 1 KB file whose gzip trailer claims
   * 4 GiB must not allocate the cap; if the claim was right after all, the array just grows.
   */
  static final int MAX_TRUSTED_RATIO = 32;
  /** First size when nothing is declared: a few times the input, at least this. */
  private static final int MIN_FIRST = 64 << 10;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /**
   * The most one read asks of the decoder, whatever room the array has: the ratio limit is checked
   * after each read ({@link LimitedInputStream}), so its reads must not depend on the array's size,
   * which depends on hints and on whether the decode started again for room. With the array's
   * room instead, a file of 4 MiB of zeros and then noise was refused at 20:1 with a small array
   * and accepted with one of its size. The size {@code readAllBytes} reads in, as before.
   */
  private static final int READ_BYTES = 8192;
  /** libzstd's default window limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT): zstd-jni refuses frames that ask for more. */
  static final long ZSTD_MAX_WINDOW = 1L << 27;

  private WholeDecode() {}

  /**
   * Decodes the whole of {@code src[off, off + len)}, a file of {@code compression} (concatenated
   * streams included, as {@link Decompressors#open} decodes it), and applies {@code use} to it.
   * A .xz of {@code -Dbtfscan.xz.native.minBytes} or more (1 MiB by default: a kernel's payload)
   * is decoded by the trusted xz tool first, when its own headers show the Java decode could not
   * exceed {@code limits} either ({@link Decompressors#nativeTakes}), and kept only if xz exited 0
   * with exactly the size they give; else Java decodes it, so the bytes or the error are the same.
   *
   * @param sizeHint the decompressed size the caller knows of (a bzImage header's), 0 for none
   */
  public static <R, X extends Exception> R file(byte[] src, int off, int len, Compression compression, long sizeHint,
      DecompressionLimits limits, Use<R, X> use) throws IOException, X {
    return file(src, off, len, compression, sizeHint, limits, DecodedBytes.jvm(),
        compression == Compression.XZ ? NativeXz.configured() : null, Decompressors.nativeMinBytes(), use);
  }

  /** As {@link #file(byte[], int, int, Compression, long, DecompressionLimits, Use)}, with this budget and tool (null: none). */
  static <R, X extends Exception> R file(byte[] src, int off, int len, Compression compression, long sizeHint,
      DecompressionLimits limits, ByteBudget budget, NativeXz nativeXz, long nativeMinBytes, Use<R, X> use)
      throws IOException, X {
    Objects.checkFromIndexSize(off, len, src.length);
    if (compression == Compression.NONE) {
      throw new IllegalArgumentException("nothing to decode: uncompressed");
    }
    Held held = new Held(budget);
    try {
      return decodeAndUse(held, src, off, len, compression, sizeHint, limits, nativeXz, nativeMinBytes, use);
    } finally {
      held.giveAll();
    }
  }

  /**
   * Decodes the one stream of {@code compression} at {@code src[off]}, up to that stream's own end
   * ({@link Decompressors#openFirstStream}), and applies {@code use} to it.
   */
  public static <R, X extends Exception> R firstStream(byte[] src, int off, int len, Compression compression,
      DecompressionLimits limits, Use<R, X> use) throws IOException, X {
    Objects.checkFromIndexSize(off, len, src.length);
    Held held = new Held(DecodedBytes.jvm());
    try {
      return decodeAndUse(held, () -> Decompressors.openFirstStream(src, off, len, compression, limits),
          firstSize(0, len, limits), firstStreamDecoderMemory(src, off, len, compression), use);
    } finally {
      held.giveAll();
    }
  }

  // The decoded array lives only in the frames below: once they have returned, nothing holds it
  // when the callers above give its count back (a waiting holder may allocate at once).

  private static <R, X extends Exception> R decodeAndUse(Held held, byte[] src, int off, int len,
      Compression compression, long sizeHint, DecompressionLimits limits, NativeXz nativeXz, long nativeMinBytes,
      Use<R, X> use) throws IOException, X {
    XzLayout.Bound layout = compression == Compression.XZ
        ? XzLayout.walk(src, off, len, limits.ratioCheckAfterBytes()) : null;
    if (nativeXz != null && len >= nativeMinBytes && Decompressors.nativeTakes(nativeXz, layout, limits)) {
      held.resize(layout.total());
      byte[] whole = Decompressors.decodeNatively(nativeXz, src, off, len, layout);
      if (whole != null) {
        return use.apply(whole);
      }
    }
    long declared = sizeHint > 0 ? sizeHint
        : compression != Compression.XZ ? declaredSize(src, off, len, compression)
        : layout != null ? layout.total() : 0; // the index's sum
    long decoder = compression != Compression.XZ ? decoderMemory(src, off, len, compression)
        : layout != null ? Math.min(layout.largestDictionary(), Decompressors.maxDictionaryBytes())
        : Decompressors.maxDictionaryBytes(); // unreadable headers: the most it may take
    return decodeAndUse(held,
        () -> Decompressors.openOnThisThread(new ByteArrayInputStream(src, off, len), compression, limits),
        firstSize(declared, len, limits), decoder, use);
  }

  private static <R, X extends Exception> R decodeAndUse(Held held, Opener opener, long first, long decoder,
      Use<R, X> use) throws IOException, X {
    return use.apply(decode(held, opener, first, decoder));
  }

  /** Opens the decoder anew: a decode that starts again reads the file from its start. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /** The decode, holding {@code decoder} bytes beside the array for the decoder until it is closed. */
  static byte[] decode(Held held, Opener opener, long first, long decoder) throws IOException {
    long size = first;
    while (true) {
      held.resize(size + decoder);
      Attempt a;
      try (InputStream in = opener.open()) {
        a = attempt(held, in, (int) size);
      }
      held.less(decoder); // closed: its dictionary is garbage, or the cache's to lend again
      if (a.bytes() != null) {
        return a.bytes();
      }
      size = a.startAgainWith();
    }
  }

  /** The exact array, or the size to start again with when the budget had no room for a copy. */
  private record Attempt(byte[] bytes, long startAgainWith) {}

  private static Attempt attempt(Held held, InputStream in, int size) throws IOException {
    byte[] buf = new byte[size];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        int next = in.read();
        if (next < 0) {
          return new Attempt(buf, 0);
        }
        if (buf.length == MAX_ARRAY) {
          throw new IOException("decompressed data exceeds a Java array");
        }
        int old = buf.length;
        int grown = (int) Math.min(MAX_ARRAY, Math.max(16L, old * 2L));
        if (!held.tryMore(grown)) {
          return new Attempt(null, grown);
        }
        buf = Arrays.copyOf(buf, grown);
        held.less(old);
        buf[n++] = (byte) next;
      }
      int r = in.read(buf, n, Math.min(READ_BYTES, buf.length - n));
      if (r < 0) {
        if (n == buf.length) {
          return new Attempt(buf, 0);
        }
        if (!held.tryMore(n)) {
          return new Attempt(null, n); // the exact size, known now
        }
        byte[] exact = Arrays.copyOf(buf, n);
        held.less(buf.length);
        return new Attempt(exact, 0);
      }
      n += r;
    }
  }

  /** The first array's size: what is declared, within what is believed; a few times the input when nothing is. */
  static long firstSize(long declared, int len, DecompressionLimits limits) {
    long believed = Math.min(Math.min(limits.maxOutputBytes(), MAX_ARRAY), (long) len * MAX_TRUSTED_RATIO);
    long guess = declared > 0 ? declared : Math.max(MIN_FIRST, len * 4L);
    return Math.max(1, Math.min(guess, believed));
  }

  /**
   * The decompressed size the file states, 0 when it states none: a zstd first frame's content
   * size, gzip's last member's ISIZE (the size mod 2^32); an xz file's is its layout's total
   * ({@link XzLayout}). Untrusted: only a first allocation is made on its word.
   */
  static long declaredSize(byte[] src, int off, int len, Compression compression) {
    switch (compression) {
      case ZSTD:
        return zstdFrameContentSize(src, off, len);
      case GZIP:
        return len < 18 ? 0 : Integer.toUnsignedLong(
            ByteBuffer.wrap(src, off + len - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
      default:
        return 0;
    }
  }

  /**
   * The Frame_Content_Size of the zstd frame at {@code src[off]} (RFC 8878, 3.1.1.1), 0 when the
   * header has none or is cut. Read here, not through zstd-jni: Spark's runtime brings an older
   * zstd-jni ahead of the scan's, without the methods that read it.
   */
  static long zstdFrameContentSize(byte[] src, int off, int len) {
    if (len < 6) {
      return 0;
    }
    int descriptor = src[off + 4] & 0xff;
    int fcsFlag = descriptor >>> 6;
    boolean singleSegment = (descriptor & 0x20) != 0;
    int fcsBytes = fcsFlag == 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
    int dictionaryIdBytes = new int[] {0, 1, 2, 4}[descriptor & 3];
    int at = off + 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
    if (fcsBytes == 0 || at + fcsBytes > off + len) {
      return 0;
    }
    long size = 0;
    for (int i = fcsBytes - 1; i >= 0; i--) {
      size = size << 8 | (src[at + i] & 0xff);
    }
    return fcsBytes == 2 ? size + 256 : Math.max(0, size); // 8 bytes may read as negative: then unknown
  }

  /**
   * What a decoder of {@code compression} allocates for the file at {@code src[off]}, as far as its
   * header tells: an lzma dictionary (an xz one comes from the layout), a zstd window. Others need
   * at most a few MB (bzip2).
   */
  static long decoderMemory(byte[] src, int off, int len, Compression compression) {
    switch (compression) {
      case LZMA:
        long dictionary = len < 5 ? 0 : Integer.toUnsignedLong(
            ByteBuffer.wrap(src, off + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        return Math.min(dictionary, Decompressors.maxDictionaryBytes());
      case ZSTD:
        return zstdWindowMemory(src, off, len);
      default:
        return 0;
    }
  }

  /**
   * The decoding buffer libzstd allocates for the zstd frame at {@code src[off]} (RFC 8878,
   * 3.1.1.1.2): its window, no larger than its content when the header states that, as
   * ZSTD_decodingBufferSize_min sizes it; {@link #ZSTD_MAX_WINDOW} when the header is cut. The
   * frame's magic is the caller's to have detected ({@link Compression#detect}). That buffer is native memory, outside the heap, but the
   * decoder writes all of it that the output reaches, so it is counted in the same budget as the
   * array the output goes to: what the budget bounds is then what the decodes at once can touch.
   * Only the first frame is read; a later one with a larger window is not counted.
   */
  static long zstdWindowMemory(byte[] src, int off, int len) {
    if (len < 6) {
      return ZSTD_MAX_WINDOW;
    }
    int descriptor = src[off + 4] & 0xff;
    boolean singleSegment = (descriptor & 0x20) != 0;
    long content = zstdFrameContentSize(src, off, len);
    if (singleSegment) { // no window size: the window is the content
      return Math.min(content, ZSTD_MAX_WINDOW);
    }
    int windowDescriptor = src[off + 5] & 0xff;
    long base = 1L << (10 + (windowDescriptor >>> 3));
    long window = base + (base / 8) * (windowDescriptor & 7);
    if (content > 0) {
      window = Math.min(window, content);
    }
    return Math.min(window, ZSTD_MAX_WINDOW);
  }

  private static long firstStreamDecoderMemory(byte[] src, int off, int len, Compression compression) {
    if (compression != Compression.XZ) {
      return decoderMemory(src, off, len, compression);
    }
    long dictionary = XzLayout.firstBlockDictionary(src, off, len);
    return dictionary < 0 ? Decompressors.maxDictionaryBytes() : Math.min(dictionary, Decompressors.maxDictionaryBytes());
  }

  /** What one decode holds of its budget; it waits only when it holds nothing. */
  static final class Held {
    private final ByteBudget budget;
    private long amount;

    Held(ByteBudget budget) {
      this.budget = budget;
    }

    /** Holds exactly {@code size}: a smaller one gives the rest back, a larger one gives all back and waits. */
    void resize(long size) throws java.io.InterruptedIOException {
      if (size <= amount) {
        less(amount - size);
        return;
      }
      giveAll();
      budget.take(size);
      amount = size;
    }

    boolean tryMore(long more) {
      if (!budget.tryTakeMore(amount, more)) {
        return false;
      }
      amount += more;
      return true;
    }

    void less(long bytes) {
      budget.give(bytes);
      amount -= bytes;
    }

    void giveAll() {
      less(amount);
    }

    long amount() {
      return amount;
    }
  }
}
