package dev.btfscan.io.compress;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
        return xz.works() ? xz : null;
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
      byte[] plain = sample();
      int dict = 64 << 10;
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      LZMA2Options options = new LZMA2Options();
      options.setDictSize(dict);
      try (OutputStream lz = options.getOutputStream(new FinishableWrapperOutputStream(raw))) {
        lz.write(plain);
      }
      byte[] good = raw.toByteArray();
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

  private static byte[] sample() {
    Random r = new Random(1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String[] words = {"btf ", "module ", "vmlinux ", "\n", "struct "};
    while (b.size() < 100_000) {
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

  /** The caller's own check of a decoded block. */
  interface Verifier {
    boolean accepts(byte[] decoded) throws IOException;
  }

  private boolean run(byte[] in, int inLength, int dictSize, byte[] out, Children children) {
    List<String> cmd = List.of(executable, "--decompress", "--stdout", "--format=raw", "--lzma2=dict=" + dictSize);
    Process p;
    try {
      p = children == null ? start(cmd) : children.start(this, cmd);
    } catch (IOException e) {
      return false;
    }
    if (p == null) {
      return false; // the caller closed
    }
    ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> killTree(p), timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      FEEDERS.execute(() -> {
        try (OutputStream stdin = p.getOutputStream()) {
          stdin.write(in, 0, inLength);
        } catch (IOException e) {
          // xz died or was killed; the reading side sees it
        }
      });
      InputStream stdout = p.getInputStream();
      int n = 0;
      while (n < out.length) {
        int r = stdout.read(out, n, out.length - n);
        if (r < 0) {
          return false; // fewer bytes than the header declares
        }
        n += r;
      }
      if (stdout.read() >= 0) {
        return false; // more bytes than the header declares
      }
      long left = Math.max(1, timeout.toMillis()); // the watchdog bounds the whole run
      return p.waitFor(left, TimeUnit.MILLISECONDS) && p.exitValue() == 0 && !deadline.isDone()
          && !Thread.currentThread().isInterrupted();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
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
