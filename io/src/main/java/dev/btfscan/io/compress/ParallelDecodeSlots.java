package dev.btfscan.io.compress;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * How many packages one JVM reads at once through the parallel xz decoder.
 *
 * <p>Why a bound: such a payload (Debian's multi-block data.tar.xz) already decodes on every core,
 * so a second one read at the same time buys little speed, while each package in flight holds its
 * look-ahead blocks, its vmlinux and the modules it holds for its end (about 250 MB). Measured on
 * 2 cores, four copies of the 4023-module Debian package: one at a time 28.6-29.5 s and 720 MB
 * peak RSS, two at a time 27.8-28.4 s and 872-895 MB. So at most {@code max(1, cores / 2)} of
 * them at once, and no more than the heap holds at {@link #HEAP_PER_PACKAGE} each. Payloads that
 * decode on one thread (gzip, zstd, single-block xz) take no slot and read side by side as before.
 *
 * <p>How: a package reader runs inside {@link #readingPackage()}; the first parallel decoder it
 * opens takes a slot, waiting for one, and the slot is held until the reader closes its scope
 * (the package's end: its modules are judged as it streams). Decoders opened outside such a scope
 * (a module's .ko.xz analysed downstream) or again inside one (the package's vmlinuz) take none.
 * So only package readers ever wait, and only for other package readers, which wait on nothing:
 * no reader can wait on work that waits on it, on any runner.
 */
public final class ParallelDecodeSlots {
  /**
   * Heap one package read through the parallel decoder may need (measured ~220 MB for Debian's;
   * the decoder's look-ahead holds at most {@link ParallelXzInputStream#LOOK_AHEAD_BYTES} besides
   * the block being read, whatever blocks a hostile package declares).
   */
  public static final long HEAP_PER_PACKAGE = 256L << 20;

  private static final ParallelDecodeSlots JVM = new ParallelDecodeSlots(
      slotsFor(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory()));

  private final Semaphore slots;
  private final ThreadLocal<Scope> current = new ThreadLocal<>();

  ParallelDecodeSlots(int slots) {
    this.slots = new Semaphore(slots, true);
  }

  /** max(1, cores / 2), and no more than the heap holds: the slots of a JVM with {@code cores} and {@code maxHeap}. */
  public static int slotsFor(int cores, long maxHeap) {
    return (int) Math.max(1, Math.min(cores / 2, maxHeap / HEAP_PER_PACKAGE));
  }

  /** The JVM's slots, shared by every package reader in it. */
  public static ParallelDecodeSlots jvm() {
    return JVM;
  }

  /** Opens the calling thread's scope for reading one package; close it when the package is read. */
  public Scope readingPackage() {
    Scope s = new Scope();
    current.set(s);
    return s;
  }

  /**
   * Called as a parallel decoder starts: takes a slot for the package the calling thread reads,
   * if it reads one and holds none yet.
   */
  void parallelDecodeStarts() throws InterruptedIOException {
    Scope s = current.get();
    if (s == null || s.holds) {
      return;
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to decode: another package is being read");
    }
    s.holds = true;
  }

  /** Slots free now (for tests). */
  int available() {
    return slots.availablePermits();
  }

  /** One package being read by one thread. */
  public final class Scope implements AutoCloseable {
    private boolean holds;

    private Scope() {}

    @Override
    public void close() {
      current.remove();
      if (holds) {
        holds = false;
        slots.release();
      }
    }
  }
}
