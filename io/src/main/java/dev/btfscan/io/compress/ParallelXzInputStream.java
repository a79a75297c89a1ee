package dev.btfscan.io.compress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.zip.CRC32;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.check.Check;

/**
 * Streaming xz decoder that decodes the blocks of a multi-block stream on several threads, in
 * order, a bounded number ahead. Debian's data.tar.xz (dpkg writes threaded xz) is such a stream:
 * 24 MiB blocks whose headers carry both sizes; decoding them on two cores takes the package read
 * from one core's pure-Java LZMA2 speed towards two.
 *
 * <p>Only what the parallel path needs is accepted: every block with compressed and uncompressed
 * sizes in its header, the LZMA2 filter alone, both sizes at most {@link #MAX_BLOCK_BYTES}. A stream
 * whose first block is anything else (single-threaded xz writes no sizes) is handed, unread, to
 * {@link XZInputStream}. Every block's check, the index and the footer are verified as xz does.
 * At most {@code threads} blocks decode at once, and at most {@code threads + 1} wait queued
 * (decoding or decoded) after the block being read, or waited for. A block decoded while an
 * earlier one still decodes frees its thread for the next: the first block of a Debian package
 * holds the vmlinuz, bytes LZMA2 barely compresses and decodes slowly (0.79 s for the 53 cloud
 * package's first block, 0.2 s for each of the others). When the reader waited for it with one
 * block queued behind it, the other core idled for most of that time. Memory: the block being read
 * (or waited for), and the blocks queued after it, whose compressed and decoded bytes (and the
 * dictionary of those that decode in Java) add up to at most {@link #LOOK_AHEAD_BYTES}, or to one
 * block when a single one is larger. The count of blocks alone did not bound it: two tarballs of
 * 63 MiB blocks (sizes within {@link #MAX_BLOCK_BYTES}) read at once on 4 cores, 4 threads each,
 * ran the 1080 MB heap run.sh gives there out of memory.
 *
 * <p>When the {@code xz} tool is present ({@link NativeXz}), each block is first decoded by it and
 * kept only if it has exactly the header's uncompressed size and its check matches: a tool that
 * passed {@link NativeXz#verifiesChecks()} gets the block, exactly as stored, wrapped as a
 * single-block .xz stream of its own and verifies the check itself (xz exiting 0 with the right
 * size); any other tool decodes the raw LZMA2 data and the check is computed in Java. Anything else
 * (the tool failing, lying, hanging) decodes the block again in pure Java, whose bytes or error are
 * what the stream gives. Native decoding is thus an accelerator only: the same input gives the same
 * bytes and the same exceptions with or without the tool.
 */
final class ParallelXzInputStream extends InputStream {
  static final int MAX_BLOCK_BYTES = 64 << 20;
  /**
   * The bytes the blocks queued after the one being read may hold at once (see the class comment).
   * Debian's blocks (24 MiB decoded, 4-12 MiB compressed) fit three or four: the look-ahead of two
   * or three threads is unchanged there.
   */
  static final long LOOK_AHEAD_BYTES = 2L * MAX_BLOCK_BYTES;
  private static final byte[] MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
  private static final int LZMA2_FILTER_ID = 0x21;

  private final InputStream in;
  private final int memoryLimitKiB;
  private final NativeXz nativeXz; // null: pure Java only
  private final long nativeMinBytes; // smaller blocks decode in Java
  private final NativeXz.Children children = new NativeXz.Children();
  private final int checkType;
  private final byte[] streamFlags;
  /** Shared by every stream of the JVM: daemon threads, one per core. */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "btfscan-xz");
        t.setDaemon(true);
        return t;
      });
  /** Blocks decoding at once: one per thread. */
  private final int ahead;
  /** Blocks queued after the one being read: one more than decode at once (see the class comment). */
  private final int queued;
  /** Blocks queued and not yet read, oldest first: decoding, decoded, or failed. */
  private final ArrayDeque<Decoding> pending = new ArrayDeque<>();
  /** What the blocks in {@link #pending} hold ({@link Decoding#bytes}), at most {@link #lookAheadBytes} but for one block. */
  private long pendingBytes;
  private final long lookAheadBytes;
  /** A block header read while the look-ahead was full: the next block to queue, with its size. */
  private byte[] heldHeader;
  private BlockHeader held;
  /** Notified whenever a queued block's decoding ends (see {@link Decoding}). */
  private final Object progress = new Object();
  private final List<long[]> records = new ArrayList<>(); // unpadded size, uncompressed size
  private byte[] current = new byte[0];
  private int pos;
  private boolean blocksDone;
  private InputStream next; // the stream after this one (concatenated .xz), once reached
  private volatile boolean closed;
  /** The error a read has thrown: the stream broke there. */
  private IOException failure;

  /**
   * Blocks smaller than this decode in Java even when the xz tool is there: starting a process
   * costs more than decoding a small block, and a stream cut into thousands of small blocks
   * (xz --block-size=16KiB: 6,589 blocks for the 108 MB tar of the 53 cloud package) scanned in
   * 30.6 s with a process per block against 20.5 s in Java alone, back to back on the loaded
   * 2-core machine. Debian's blocks are 24 MiB.
   */
  static final long NATIVE_MIN_BLOCK_BYTES = 1 << 20;

  /** Opens {@code in} (an xz stream) with the parallel decoder, or XZInputStream when it does not fit. */
  static InputStream open(InputStream in, int memoryLimitKiB, int threads) throws IOException {
    return open(in, memoryLimitKiB, threads, NativeXz.configured(), NATIVE_MIN_BLOCK_BYTES);
  }

  /**
   * As {@link #open(InputStream, int, int)}, with every block decoded by {@code nativeXz} first
   * (null: pure Java).
   */
  static InputStream open(InputStream in, int memoryLimitKiB, int threads, NativeXz nativeXz) throws IOException {
    return open(in, memoryLimitKiB, threads, nativeXz, 0);
  }

  /** As {@link #open(InputStream, int, int, NativeXz)}, native only for blocks of {@code nativeMinBytes} or more. */
  static InputStream open(InputStream in, int memoryLimitKiB, int threads, NativeXz nativeXz, long nativeMinBytes)
      throws IOException {
    return open(in, memoryLimitKiB, threads, nativeXz, nativeMinBytes, LOOK_AHEAD_BYTES);
  }

  /** As {@link #open(InputStream, int, int, NativeXz, long)}, the queued blocks holding at most {@code lookAheadBytes}. */
  static InputStream open(InputStream in, int memoryLimitKiB, int threads, NativeXz nativeXz, long nativeMinBytes,
      long lookAheadBytes) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] header = readUpTo(in, 12 + 1, seen);
    if (threads < 2 || header.length < 13 || !Arrays.equals(Arrays.copyOf(header, 6), MAGIC)) {
      return fallback(seen, in, memoryLimitKiB);
    }
    if ((header[12] & 0xff) == 0) {
      return fallback(seen, in, memoryLimitKiB); // no blocks at all: let xz check the empty stream
    }
    readUpTo(in, blockHeaderSize(header) - 1, seen);
    byte[] blockHeader = firstBlockHeader(seen.toByteArray(), memoryLimitKiB);
    if (blockHeader == null) {
      return fallback(seen, in, memoryLimitKiB);
    }
    return new ParallelXzInputStream(in, memoryLimitKiB, header, blockHeader, threads, nativeXz, nativeMinBytes,
        lookAheadBytes);
  }

  /** The bytes of a stream's start that {@link #decodesInParallel} needs at most: its header and the largest block header. */
  static final int PROBE_BYTES = 12 + 1024;

  /**
   * Whether {@link #open} with two or more threads decodes the stream that starts with {@code head}
   * (at least its header and first block header; {@link #PROBE_BYTES} suffice) on the pool: the
   * same test on the same bytes, so a caller can tell without opening the stream.
   */
  static boolean decodesInParallel(byte[] head, int memoryLimitKiB) {
    return firstBlockHeader(head, memoryLimitKiB) != null;
  }

  /** The size in bytes of the block header whose first byte is {@code streamStart[12]} (0 there means the index). */
  private static int blockHeaderSize(byte[] streamStart) {
    return ((streamStart[12] & 0xff) + 1) * 4;
  }

  /**
   * The first block header of the stream starting with {@code head} when the parallel path takes
   * the stream (a valid stream header, a block header it can use), else null.
   */
  private static byte[] firstBlockHeader(byte[] head, int memoryLimitKiB) {
    if (head.length < 13 || !Arrays.equals(head, 0, 6, MAGIC, 0, 6) || (head[12] & 0xff) == 0
        || head.length < 12 + blockHeaderSize(head) || !validStreamHeader(head)) {
      return null;
    }
    byte[] blockHeader = Arrays.copyOfRange(head, 12, 12 + blockHeaderSize(head));
    return BlockHeader.parse(blockHeader, memoryLimitKiB) == null ? null : blockHeader;
  }

  private static InputStream fallback(ByteArrayOutputStream seen, InputStream in, int memoryLimitKiB)
      throws IOException {
    // The dictionary of a stream without sizes is allocated whole for every file (8 MiB for xz -6,
    // a module of 100 KB): reused from the cache when the stream is closed, not zeroed anew. 1,121
    // .ko.xz of xz -6 scanned in 3.8-4.1 s against 4.6-4.9 s, 15% less CPU, the same bytes.
    return new XZInputStream(new SequenceInputStream(new ByteArrayInputStream(seen.toByteArray()), in), memoryLimitKiB,
        BasicArrayCache.getInstance());
  }

  private static boolean validStreamHeader(byte[] h) {
    CRC32 crc = new CRC32();
    crc.update(h, 6, 2);
    return h[6] == 0 && (h[7] & 0xf0) == 0 && (int) crc.getValue() == le32(h, 8) && isSupportedCheck(h[7] & 0x0f);
  }

  private static boolean isSupportedCheck(int type) {
    try {
      Check.getInstance(type);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private ParallelXzInputStream(InputStream in, int memoryLimitKiB, byte[] streamHeader, byte[] firstBlockHeader,
      int threads, NativeXz nativeXz, long nativeMinBytes, long lookAheadBytes) throws IOException {
    this.in = in;
    this.lookAheadBytes = lookAheadBytes;
    this.memoryLimitKiB = memoryLimitKiB;
    this.nativeXz = nativeXz;
    this.nativeMinBytes = nativeMinBytes;
    this.checkType = streamHeader[7] & 0x0f;
    this.streamFlags = Arrays.copyOfRange(streamHeader, 6, 8);
    this.ahead = threads; // one decoding per thread
    this.queued = threads + 1;
    ParallelDecodeSlots.jvm().parallelDecodeStarts(); // a package read this way may wait for another's end
    submit(firstBlockHeader, blockHeader(firstBlockHeader));
  }

  /** A block header's fields the parallel path needs, or null when the block does not fit it. */
  private record BlockHeader(int size, long compressed, long uncompressed, int dictSize) {
    static BlockHeader parse(byte[] h, int memoryLimitKiB) {
      int size = h.length;
      CRC32 crc = new CRC32();
      crc.update(h, 0, size - 4);
      if ((int) crc.getValue() != le32(h, size - 4)) {
        return null;
      }
      int flags = h[1] & 0xff;
      if ((flags & 0x3c) != 0 || (flags & 0xc0) != 0xc0 || (flags & 3) != 0) {
        return null; // reserved bits, a size missing, or more than one filter
      }
      long[] p = {2};
      long compressed = vli(h, p, size - 4);
      long uncompressed = vli(h, p, size - 4);
      long filter = vli(h, p, size - 4);
      long propsSize = vli(h, p, size - 4);
      if (compressed <= 0 || uncompressed < 0 || filter != LZMA2_FILTER_ID || propsSize != 1 || p[0] >= size - 4
          || compressed > MAX_BLOCK_BYTES || uncompressed > MAX_BLOCK_BYTES) {
        return null;
      }
      int props = h[(int) p[0]++] & 0xff;
      if (props > 40) {
        return null;
      }
      for (int i = (int) p[0]; i < size - 4; i++) {
        if (h[i] != 0) {
          return null;
        }
      }
      int dict = props == 40 ? Integer.MAX_VALUE : (2 | (props & 1)) << (props / 2 + 11);
      // A block never reaches back before its own start: a dictionary as large as the block is
      // enough (xz does the same), which caps memory whatever dictionary the header asks for.
      dict = (int) Math.min(dict, Math.max(uncompressed, LZMA2InputStream.DICT_SIZE_MIN));
      if (LZMA2InputStream.getMemoryUsage(dict) > memoryLimitKiB) {
        return null;
      }
      return new BlockHeader(size, compressed, uncompressed, dict);
    }
  }

  /** The parsed {@code header} of the next block, or the stream's error where it does not fit the parallel path. */
  private BlockHeader blockHeader(byte[] header) throws IOException {
    BlockHeader b = BlockHeader.parse(header, memoryLimitKiB);
    if (b == null) {
      throw new CorruptedInputException("xz block " + (records.size() + 1) + ": its header lacks sizes, has other "
          + "filters than LZMA2, or sizes above " + MAX_BLOCK_BYTES + " bytes, unlike the first block");
    }
    return b;
  }

  /** What a queued block holds until it is read: its compressed and decoded bytes, and a Java decoder's dictionary. */
  private long bytesHeld(BlockHeader b) {
    boolean inJava = nativeXz == null || b.uncompressed() < nativeMinBytes;
    return b.compressed() + b.uncompressed() + (inJava ? b.dictSize() : 0);
  }

  /** Reads the rest of the block after {@code header} and queues its decoding. */
  private void submit(byte[] header, BlockHeader b) throws IOException {
    int padding = (int) ((4 - (b.compressed() % 4)) % 4);
    int checkSize = Check.getInstance(checkType).getSize();
    byte[] body = readExactly(in, (int) b.compressed() + padding + checkSize, "xz block " + (records.size() + 1));
    for (int i = 0; i < padding; i++) {
      if (body[(int) b.compressed() + i] != 0) {
        throw new CorruptedInputException("xz block " + (records.size() + 1) + ": non-zero block padding");
      }
    }
    records.add(new long[] {b.size() + b.compressed() + checkSize, b.uncompressed()}); // unpadded size
    int blockNo = records.size();
    Decoding d = new Decoding(() -> decode(blockNo, header, b, body), bytesHeld(b));
    pending.add(d);
    pendingBytes += d.bytes;
    POOL.execute(d);
  }

  private byte[] decode(int blockNo, byte[] header, BlockHeader b, byte[] body) throws IOException {
    byte[] out = new byte[(int) b.uncompressed()];
    if (nativeXz != null && b.uncompressed() >= nativeMinBytes) {
      boolean ok;
      if (nativeXz.verifiesChecks(children)) {
        // the block as a stream of its own: liblzma verifies its check, the Java CRC is spared
        ok = nativeXz.decodeVerified(NativeXz.wrapBlock(streamFlags, header, body, b.compressed(), b.uncompressed()),
            out, memoryLimitKiB * 1024L, children);
      } else {
        ok = nativeXz.decode(body, (int) b.compressed(), b.dictSize(), out, children, d -> checkMatches(d, body));
      }
      if (ok) {
        return out;
      }
      if (closed) {
        // closing cancelled this block and killed its xz: nobody reads the result, so spare the Java decode
        throw new java.io.InterruptedIOException("xz stream closed");
      }
    }
    return decodeJava(blockNo, b, body, out);
  }

  private boolean checkMatches(byte[] out, byte[] body) throws IOException {
    Check check = Check.getInstance(checkType);
    check.update(out, 0, out.length);
    return Arrays.equals(check.finish(), Arrays.copyOfRange(body, body.length - check.getSize(), body.length));
  }

  /** The pure-Java decode: its bytes, or its error, are what the stream gives for the block. */
  private byte[] decodeJava(int blockNo, BlockHeader b, byte[] body, byte[] out) throws IOException {
    ByteArrayInputStream compressed = new ByteArrayInputStream(body, 0, (int) b.compressed());
    try (LZMA2InputStream lz = new LZMA2InputStream(compressed, b.dictSize())) {
      int n = 0;
      while (n < out.length) {
        int r = lz.read(out, n, out.length - n);
        if (r < 0) {
          throw new CorruptedInputException("xz block " + blockNo + ": ends before its " + out.length + " bytes");
        }
        n += r;
      }
      if (lz.read() != -1 || compressed.available() != 0) {
        throw new CorruptedInputException("xz block " + blockNo + ": sizes disagree with its header");
      }
    }
    Check check = Check.getInstance(checkType);
    check.update(out, 0, out.length);
    byte[] want = Arrays.copyOfRange(body, body.length - check.getSize(), body.length);
    if (!Arrays.equals(check.finish(), want)) {
      throw new CorruptedInputException("xz block " + blockNo + ": " + check.getName() + " check mismatch");
    }
    return out;
  }

  /** A block's decoding, which tells {@link #progress} when it has ended (done() runs once isDone() holds). */
  private final class Decoding extends FutureTask<byte[]> {
    /** What the block holds until it is read ({@link #bytesHeld}); 0 for a break queued in a block's place. */
    final long bytes;

    Decoding(Callable<byte[]> decode, long bytes) {
      super(decode);
      this.bytes = bytes;
    }

    @Override
    protected void done() {
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  /**
   * Whether another block may be queued now: a thread free for it, and room in the look-ahead, by
   * count and by bytes (the next block's when its header is held, else any room at all). With
   * nothing queued, a block always may: a single block larger than the budget still gets read.
   */
  private boolean mayQueue() {
    if (blocksDone || pending.size() >= queued) {
      return false;
    }
    if (!pending.isEmpty()
        && (held != null ? pendingBytes + bytesHeld(held) > lookAheadBytes : pendingBytes >= lookAheadBytes)) {
      return false;
    }
    int decoding = 0;
    for (Future<byte[]> f : pending) {
      if (!f.isDone()) {
        decoding++;
      }
    }
    return decoding < ahead;
  }

  /**
   * Queues blocks while {@link #mayQueue()}, or until the index is reached. Where the stream
   * breaks (cut short, a bad header, an index that disagrees), the error is queued in the block's
   * place: every block before it is still read, however far ahead the look-ahead had reached.
   */
  private void fill() {
    while (mayQueue()) {
      try {
        queueNext();
      } catch (IOException e) {
        blocksDone = true;
        Decoding broken = new Decoding(() -> {
          throw e;
        }, 0);
        broken.run(); // failed at once, with e
        pending.add(broken);
      }
    }
  }

  /** Reads the next block header and queues the block, or reads the index and footer. */
  private void queueNext() throws IOException {
    if (held != null) {
      BlockHeader b = held;
      byte[] header = heldHeader;
      held = null;
      heldHeader = null;
      submit(header, b);
      return;
    }
    int first = in.read();
    if (first < 0) {
      throw new EOFException("xz stream ends before its index");
    }
    if (first == 0) {
      blocksDone = true;
      readIndexAndFooter();
      return;
    }
    int hsize = (first + 1) * 4;
    byte[] header = new byte[hsize];
    header[0] = (byte) first;
    byte[] rest = readExactly(in, hsize - 1, "xz block header");
    System.arraycopy(rest, 0, header, 1, rest.length);
    BlockHeader b = blockHeader(header);
    if (!pending.isEmpty() && pendingBytes + bytesHeld(b) > lookAheadBytes) {
      held = b; // queued when the blocks ahead of it have been read
      heldHeader = header;
      return;
    }
    submit(header, b);
  }

  private void readIndexAndFooter() throws IOException {
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    index.write(0);
    long count = readVli(index);
    if (count != records.size()) {
      throw new CorruptedInputException("xz index lists " + count + " blocks, the stream has " + records.size());
    }
    for (long[] r : records) {
      if (readVli(index) != r[0] || readVli(index) != r[1]) {
        throw new CorruptedInputException("xz index record disagrees with its block");
      }
    }
    while (index.size() % 4 != 0) {
      int z = readByte();
      if (z != 0) {
        throw new CorruptedInputException("xz index padding is not zero");
      }
      index.write(z);
    }
    byte[] idx = index.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(idx, 0, idx.length);
    byte[] stored = readExactly(in, 4, "xz index");
    if ((int) crc.getValue() != le32(stored, 0)) {
      throw new CorruptedInputException("xz index CRC32 mismatch");
    }
    byte[] footer = readExactly(in, 12, "xz stream footer");
    CRC32 fcrc = new CRC32();
    fcrc.update(footer, 4, 6);
    long backward = (Integer.toUnsignedLong(le32(footer, 4)) + 1) * 4;
    if ((int) fcrc.getValue() != le32(footer, 0) || footer[10] != 'Y' || footer[11] != 'Z'
        || footer[8] != streamFlags[0] || footer[9] != streamFlags[1] || backward != idx.length + 4) {
      throw new CorruptedInputException("xz stream footer does not match its header and index");
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("xz stream ends inside its index");
    }
    return b;
  }

  private long readVli(ByteArrayOutputStream copy) throws IOException {
    long v = 0;
    for (int i = 0; i < 9; i++) {
      int b = readByte();
      copy.write(b);
      v |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new CorruptedInputException("xz index: non-minimal integer");
        }
        return v;
      }
    }
    throw new CorruptedInputException("xz index: integer too long");
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int r = read(one, 0, 1);
    return r < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (pos == current.length) {
      if (next != null) {
        return next.read(buf, off, len);
      }
      fill();
      Decoding f = pending.poll();
      if (f != null) {
        pendingBytes -= f.bytes;
      }
      if (f == null) {
        next = afterStream();
        if (next == null) {
          return -1;
        }
        continue;
      }
      try {
        current = awaitHead(f);
      } catch (IOException e) {
        failure = e; // as XZInputStream: every later read throws it again, nothing after it is read
        throw e;
      }
      pos = 0;
      fill(); // keep the workers busy while this block is consumed
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, buf, off, n);
    pos += n;
    return n;
  }

  /** Stream padding, then either the end or another stream (concatenated .xz). */
  private InputStream afterStream() throws IOException {
    while (true) {
      byte[] four = readUpTo(in, 4, null);
      if (four.length == 0) {
        return null;
      }
      if (four.length < 4) {
        throw new CorruptedInputException("xz stream padding is not a multiple of four bytes");
      }
      if (le32(four, 0) != 0) {
        return open(new SequenceInputStream(new ByteArrayInputStream(four), in), memoryLimitKiB, ahead - 1, nativeXz);
      }
    }
  }

  /** Waits for {@code head}, the block to read next, queueing later blocks as threads become free meanwhile. */
  private byte[] awaitHead(Future<byte[]> head) throws IOException {
    while (!head.isDone()) {
      fill();
      synchronized (progress) {
        try {
          while (!head.isDone() && !mayQueue()) {
            progress.wait();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while decoding xz");
        }
      }
    }
    return await(head);
  }

  private static byte[] await(Future<byte[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while decoding xz");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("xz block decoding failed: " + c, c);
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      pending.forEach(f -> f.cancel(true));
      children.close();
      if (next != null) {
        next.close();
      }
      in.close();
    }
  }

  private static long vli(byte[] h, long[] p, int end) {
    long v = 0;
    for (int i = 0; i < 9 && p[0] < end; i++) {
      int b = h[(int) p[0]++] & 0xff;
      v |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return (b == 0 && i > 0) ? -1 : v;
      }
    }
    return -1;
  }

  private static int le32(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
  }

  private static byte[] readUpTo(InputStream in, int n, ByteArrayOutputStream seen) throws IOException {
    byte[] b = in.readNBytes(n);
    if (seen != null) {
      seen.write(b);
    }
    return b;
  }

  private static byte[] readExactly(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException(what + ": truncated (" + b.length + " of " + n + " bytes)");
    }
    return b;
  }
}
