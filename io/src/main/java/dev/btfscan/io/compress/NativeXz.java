package dev.btfscan.io.compress;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;

/**
 * The {@code xz} tool as an accelerator for one LZMA2 block: {@code xz --decompress --stdout
 * --format=raw --lzma2=dict=N} with the block's compressed bytes on stdin. liblzma decodes about
 * 1.6x faster per core than pure-Java LZMA2.
 *
 * <p>It only ever answers "here are exactly the bytes you asked for, and xz exited 0", or "no". The
 * caller verifies the block's check and, on any "no" or mismatch, decodes the block again in pure
 * Java, which gives the result, or the precise error, the product gives without the tool. Whatever
 * happens (start failure, non-zero exit, too few or too many bytes, timeout, interruption), the
 * process and its descendants are killed before {@link #decode} returns; stdin is fed by a daemon
 * thread and stderr is discarded, so no pipe can block.
 *
 * <p>A tool that also passes {@link #verifiesChecks()} is trusted with more: {@link #decodeVerified}
 * (a block wrapped as a stream of its own, its check verified by liblzma instead of Java) and
 * {@link #decodeFile} (a whole in-memory .xz file). There the assumption is that the tool is the
 * xz it claims to be: exit status 0 means liblzma verified every check.
 *
 * <p>Found once per JVM on the PATH, and used only when {@code xz --version} succeeds and a raw
 * LZMA2 self-test decodes to the right bytes and refuses trailing garbage (as the Java decoder
 * does). The system property {@value #PROPERTY} ({@code auto} by default; {@code false} or {@code
 * never} to disable) forces pure Java.
 */
final class NativeXz {
  static final String PROPERTY = "btfscan.xz.native";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final ExecutorService FEEDERS = Executors.newCachedThreadPool(daemon("btfscan-xz-feed"));
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
      daemon("btfscan-xz-watchdog"));

  private final String executable;
  private final Duration timeout;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  NativeXz(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** Discovered once: the PATH's working xz, or null. */
  private static final class Found {
    static final NativeXz XZ = discover();
  }

  /** The native decoder to use now: null when {@value #PROPERTY} disables it or no working xz was found. */
  static NativeXz configured() {
    String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    if (mode.equals("false") || mode.equals("never")) {
      return null;
    }
    return Found.XZ;
  }

  /** Looks for xz on the PATH and checks it (uncached; {@link #configured} caches it per JVM). */
  static NativeXz discover() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "xz");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        NativeXz xz = new NativeXz(candidate.toString(), DEFAULT_TIMEOUT);
        if (!xz.works()) {
          return null;
        }
        xz.verifiesChecks(); // decided now, not inside the first stream
        return xz;
      }
    }
    return null;
  }

  /** {@code xz --version} exits 0, and raw LZMA2 decodes exactly as the Java decoder would. */
  boolean works() {
    try {
      Process p = start(List.of(executable, "--version"));
      try {
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return false;
        }
      } finally {
        kill(p);
      }
      byte[] plain = Sample.PLAIN;
      int dict = Sample.DICT;
      byte[] good = Sample.LZMA2;
      byte[] out = new byte[plain.length];
      byte[] trailing = Arrays.copyOf(good, good.length + 1);
      return run(good, good.length, dict, out, null) && Arrays.equals(out, plain)
          && !run(trailing, trailing.length, dict, out, null);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The self-tests' data, made once per JVM: small (the tests run on the first package's critical
   * path, cold) and compressed at the fastest preset; what matters is that it is real LZMA2 with
   * matches and literals, not its ratio.
   */
  private static final class Sample {
    static final int DICT = 64 << 10; // LZMA2 dictionary property 8
    static final byte[] PLAIN = plain();
    static final byte[] LZMA2 = lzma2(PLAIN);

    private static byte[] plain() {
      Random r = new Random(1);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      String[] words = {"btf ", "module ", "vmlinux ", "\n", "struct "};
      while (b.size() < 16_384) {
        if (r.nextInt(8) == 0) {
          byte[] noise = new byte[r.nextInt(40)];
          r.nextBytes(noise);
          b.writeBytes(noise);
        } else {
          b.writeBytes(words[r.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
      }
      return b.toByteArray();
    }

    private static byte[] lzma2(byte[] plain) {
      try {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        LZMA2Options options = new LZMA2Options(1);
        options.setDictSize(DICT);
        try (OutputStream lz = options.getOutputStream(new FinishableWrapperOutputStream(raw))) {
          lz.write(plain);
        }
        return raw.toByteArray();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("LZMA2 encoding in memory failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return executable;
  }

  /** Blocks whose native decode was kept, and blocks left to Java (for tests and diagnostics). */
  int accepted() {
    return accepted.get();
  }

  int refused() {
    return refused.get();
  }

  /**
   * Decodes the raw LZMA2 data {@code in[0, inLength)} with dictionary {@code dictSize} into all of
   * {@code out}. True only when xz wrote exactly {@code out.length} bytes, exited 0, and {@code
   * verify} accepts them; on false, {@code out} holds garbage. Throws only what {@code verify}
   * throws; the process is gone when this returns.
   *
   * @param children the caller's live processes, killed when it closes (null: none)
   */
  boolean decode(byte[] in, int inLength, int dictSize, byte[] out, Children children, Verifier verify)
      throws IOException {
    boolean ok = run(in, inLength, dictSize, out, children) && verify.accepts(out);
    (ok ? accepted : refused).incrementAndGet();
    return ok;
  }

  /**
   * Decodes {@code stream}, a complete .xz stream whose only block decodes to exactly {@code
   * out.length} bytes (see {@link #wrapBlock}), with {@code xz --format=xz}: liblzma verifies the
   * block's sizes and check and the index and footer. True only when xz wrote exactly {@code
   * out.length} bytes and exited 0; only ask this of a tool that {@link #verifiesChecks()}.
   */
  boolean decodeVerified(ByteBuffer[] stream, byte[] out, long memoryLimitBytes, Children children) {
    boolean ok = exec(xzFormat(memoryLimitBytes), dup(stream), children, stdout -> readExactly(stdout, out)) != null;
    (ok ? accepted : refused).incrementAndGet();
    return ok;
  }

  /** Bytes decoded by the tool: {@code bytes[0, length)}. */
  record Decoded(byte[] bytes, int length) {}

  /**
   * Decodes a whole .xz file (concatenated streams and stream padding included, as {@code xz -d}
   * and {@link ParallelXzInputStream} both accept) held in {@code src[off, off + len)}. Returns
   * null unless xz exited 0 having written at most {@code maxOutput} bytes; stdout is read no
   * further than one byte past that, and the tool killed then. {@code capacity} is the first size
   * of the output array (the expected size, when known). Only ask this of a tool that {@link
   * #verifiesChecks()}.
   */
  Decoded decodeFile(byte[] src, int off, int len, int capacity, long maxOutput, long memoryLimitBytes) {
    long cap = Math.min(maxOutput + 1, MAX_ARRAY);
    Decoded d = exec(xzFormat(memoryLimitBytes), new ByteBuffer[] {ByteBuffer.wrap(src, off, len)}, null, stdout -> {
      byte[] buf = new byte[(int) Math.max(1, Math.min(capacity, cap))];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          // full at the expected size: the end is one read away, and no copy is made for it
          int next = stdout.read();
          if (next < 0) {
            return n > maxOutput ? null : new Decoded(buf, n);
          }
          if (buf.length >= cap) {
            return null; // past the caller's cap (or a Java array): the caller's decoder reports it
          }
          buf = Arrays.copyOf(buf, (int) Math.min(cap, Math.max(16L, buf.length * 2L)));
          buf[n++] = (byte) next;
        }
        int r = stdout.read(buf, n, buf.length - n);
        if (r < 0) {
          return n > maxOutput ? null : new Decoded(buf, n);
        }
        n += r;
      }
    });
    (d != null ? accepted : refused).incrementAndGet();
    return d;
  }

  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private List<String> xzFormat(long memoryLimitBytes) {
    // --threads=1: the single-threaded decoder whatever the version's default; the memory limit
    // keeps xz from accepting a dictionary the Java decoder would refuse (the caller passes less
    // than Java's limit) and from allocating what a crafted header asks for
    return List.of(executable, "--decompress", "--stdout", "--format=xz", "--threads=1",
        "--memlimit-decompress=" + memoryLimitBytes);
  }

  private static ByteBuffer[] dup(ByteBuffer[] pieces) {
    ByteBuffer[] d = new ByteBuffer[pieces.length];
    for (int i = 0; i < pieces.length; i++) {
      d[i] = pieces[i].duplicate();
    }
    return d;
  }

  private volatile Boolean checksVerified;

  /**
   * Whether this tool may be trusted to verify checks: decided once per instance by a self-test in
   * which it must decode a single-block stream with each of CRC32, CRC64 and SHA-256 to exactly the
   * right bytes, and refuse each stream with one bit of its check flipped. A tool that fails it
   * (or a stand-in that lies) is still used by {@link #decode}, whose caller verifies every check.
   */
  boolean verifiesChecks() {
    return verifiesChecks(null);
  }

  /**
   * As {@link #verifiesChecks()}, the self-test's processes being {@code children}'s (killed when
   * the caller closes; a self-test cut short so is not remembered, and counts as false).
   */
  boolean verifiesChecks(Children children) {
    Boolean v = checksVerified;
    if (v == null) {
      synchronized (this) {
        if (checksVerified == null) {
          boolean passed = selfTestChecks(children);
          if (children != null && children.isClosed()) {
            return false;
          }
          checksVerified = passed;
        }
        v = checksVerified;
      }
    }
    return v;
  }

  private boolean selfTestChecks(Children children) {
    try {
      byte[] plain = Sample.PLAIN;
      byte[] lzma2 = Sample.LZMA2;
      byte[] header = blockHeader(lzma2.length, plain.length, 8);
      for (int checkType : new int[] {1, 4, 10}) {
        org.tukaani.xz.check.Check check = org.tukaani.xz.check.Check.getInstance(checkType);
        check.update(plain, 0, plain.length);
        byte[] sum = check.finish();
        int padding = (4 - lzma2.length % 4) % 4;
        byte[] body = Arrays.copyOf(lzma2, lzma2.length + padding + sum.length);
        System.arraycopy(sum, 0, body, lzma2.length + padding, sum.length);
        byte[] flags = {0, (byte) checkType};
        byte[] out = new byte[plain.length];
        List<String> cmd = xzFormat(16 << 20);
        ByteBuffer[] good = wrapBlock(flags, header, body, lzma2.length, plain.length);
        if (exec(cmd, good, children, stdout -> readExactly(stdout, out)) == null || !Arrays.equals(out, plain)) {
          return false;
        }
        body[body.length - 1] ^= 1;
        ByteBuffer[] bad = wrapBlock(flags, header, body, lzma2.length, plain.length);
        if (exec(cmd, bad, children, stdout -> readExactly(stdout, new byte[plain.length])) != null) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A block header declaring both sizes and the LZMA2 filter alone with dictionary property {@code dictProps}. */
  static byte[] blockHeader(long compressed, long uncompressed, int dictProps) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(0); // size, below
    h.write(0xc0); // one filter, both sizes present
    writeVli(h, compressed);
    writeVli(h, uncompressed);
    h.write(0x21);
    h.write(1);
    h.write(dictProps);
    while ((h.size() + 4) % 4 != 0) {
      h.write(0);
    }
    byte[] b = Arrays.copyOf(h.toByteArray(), h.size() + 4);
    b[0] = (byte) (b.length / 4 - 1);
    putCrc32(b, 0, b.length - 4, b, b.length - 4);
    return b;
  }

  /**
   * A block exactly as stored ({@code blockHeader}, then {@code body}: its compressed data,
   * padding and check) as a complete single-block .xz stream: a stream header with {@code
   * streamFlags}, the block, an index of one record and a stream footer, every CRC32 computed.
   * The pieces are to be written in order; the block's own bytes are not copied.
   */
  static ByteBuffer[] wrapBlock(byte[] streamFlags, byte[] blockHeader, byte[] body, long compressed, long uncompressed) {
    int padding = (int) ((4 - compressed % 4) % 4);
    long checkSize = body.length - compressed - padding;
    byte[] prefix = new byte[12 + blockHeader.length];
    System.arraycopy(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, 0, prefix, 0, 6);
    prefix[6] = streamFlags[0];
    prefix[7] = streamFlags[1];
    putCrc32(prefix, 6, 2, prefix, 8);
    System.arraycopy(blockHeader, 0, prefix, 12, blockHeader.length);
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    index.write(0);
    writeVli(index, 1);
    writeVli(index, blockHeader.length + compressed + checkSize); // unpadded size
    writeVli(index, uncompressed);
    while (index.size() % 4 != 0) {
      index.write(0);
    }
    int indexSize = index.size() + 4;
    byte[] suffix = Arrays.copyOf(index.toByteArray(), indexSize + 12);
    putCrc32(suffix, 0, index.size(), suffix, index.size());
    int footer = indexSize;
    int backward = indexSize / 4 - 1;
    for (int i = 0; i < 4; i++) {
      suffix[footer + 4 + i] = (byte) (backward >>> (8 * i));
    }
    suffix[footer + 8] = streamFlags[0];
    suffix[footer + 9] = streamFlags[1];
    suffix[footer + 10] = 'Y';
    suffix[footer + 11] = 'Z';
    putCrc32(suffix, footer + 4, 6, suffix, footer);
    return new ByteBuffer[] {ByteBuffer.wrap(prefix), ByteBuffer.wrap(body), ByteBuffer.wrap(suffix)};
  }

  private static void putCrc32(byte[] src, int off, int len, byte[] dst, int at) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(src, off, len);
    long v = crc.getValue();
    for (int i = 0; i < 4; i++) {
      dst[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void writeVli(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** The caller's own check of a decoded block. */
  interface Verifier {
    boolean accepts(byte[] decoded) throws IOException;
  }

  private boolean run(byte[] in, int inLength, int dictSize, byte[] out, Children children) {
    List<String> cmd = List.of(executable, "--decompress", "--stdout", "--format=raw", "--lzma2=dict=" + dictSize);
    return exec(cmd, new ByteBuffer[] {ByteBuffer.wrap(in, 0, inLength)}, children, stdout -> readExactly(stdout, out))
        != null;
  }

  /** Reads exactly all of {@code out} and then the end of the stream: true only if both happen. */
  private static boolean readExactly(InputStream stdout, byte[] out) throws IOException {
    int n = 0;
    while (n < out.length) {
      int r = stdout.read(out, n, out.length - n);
      if (r < 0) {
        return false; // fewer bytes than declared
      }
      n += r;
    }
    return stdout.read() < 0; // more bytes than declared: false
  }

  /** What is made of a run's stdout; null (or false) refuses it. */
  private interface StdoutReader<T> {
    T read(InputStream stdout) throws IOException;
  }

  /**
   * Runs {@code cmd} with {@code pieces} written, in order, to its stdin by a daemon thread, and
   * reads its stdout with {@code reader}. Returns the reader's result only when it is neither null
   * nor false and the process then exited 0 before the watchdog fired; otherwise null. The process
   * is killed and reaped before this returns, whatever happened.
   */
  private <T> T exec(List<String> cmd, ByteBuffer[] pieces, Children children, StdoutReader<T> reader) {
    Process p;
    try {
      p = children == null ? start(cmd) : children.start(this, cmd);
    } catch (IOException e) {
      return null;
    }
    if (p == null) {
      return null; // the caller closed
    }
    ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> killTree(p), timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      FEEDERS.execute(() -> {
        try (OutputStream stdin = p.getOutputStream()) {
          for (ByteBuffer piece : pieces) {
            stdin.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
          }
        } catch (IOException e) {
          // xz died or was killed; the reading side sees it
        }
      });
      T result = reader.read(p.getInputStream());
      if (result == null || Boolean.FALSE.equals(result)) {
        return null;
      }
      long left = Math.max(1, timeout.toMillis()); // the watchdog bounds the whole run
      boolean ok = p.waitFor(left, TimeUnit.MILLISECONDS) && p.exitValue() == 0 && !deadline.isDone()
          && !Thread.currentThread().isInterrupted();
      return ok ? result : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      deadline.cancel(false);
      kill(p);
      if (children != null) {
        children.remove(p);
      }
    }
  }

  private Process start(List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    // XZ_OPT/XZ_DEFAULTS could add options (e.g. --single-stream, a memory limit) that change what xz accepts
    pb.environment().remove("XZ_OPT");
    pb.environment().remove("XZ_DEFAULTS");
    return pb.start();
  }

  private static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** Kills {@code p} (a no-op when it exited), closes its pipes and waits, boundedly, until it is reaped. */
  private static void kill(Process p) {
    killTree(p);
    closeQuietly(p.getInputStream());
    closeQuietly(p.getErrorStream());
    boolean interrupted = Thread.interrupted();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (p.isAlive() && System.nanoTime() < until) {
      try {
        p.waitFor(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The xz processes one stream has running; closing kills them and refuses new ones. */
  static final class Children {
    private final Set<Process> live = new HashSet<>();
    private boolean closed;

    synchronized Process start(NativeXz xz, List<String> cmd) throws IOException {
      if (closed) {
        return null;
      }
      Process p = xz.start(cmd);
      live.add(p);
      return p;
    }

    synchronized boolean isClosed() {
      return closed;
    }

    synchronized void remove(Process p) {
      live.remove(p);
    }

    /** Kills every running process and waits until they are gone. */
    void close() {
      List<Process> running;
      synchronized (this) {
        closed = true;
        running = new ArrayList<>(live);
        live.clear();
      }
      running.forEach(NativeXz::killTree);
      running.forEach(NativeXz::kill);
    }
  }
}
