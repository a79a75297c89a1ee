package dev.btfscan.io;

import java.io.InterruptedIOException;

/**
 * The bytes of kernel files (modules, images) held whole in one JVM at once: by package readers,
 * each while it reads an entry and hands it on, and by the module analysis, while it reads a
 * waiting module back and judges it.
 *
 * <p>Why: each takes a whole entry into one array (up to {@code --max-entry-bytes}, 256 MB by
 * default) and the runner runs several at once. Four tarballs, each one 250 MB module of random
 * bytes, ran the 640 MB heap of 2 cores and the 1080 MB heap of 4 cores out of memory: the modules
 * waited on disk for a vmlinux, then were read back by two or four analyses at a time. Real modules
 * and images are a few MB and never wait here; files that together exceed the budget are taken
 * one after another, and a file larger than the whole budget when nothing else is held, alone, so
 * every file is still read.
 *
 * <p>A holder waits for nothing else meanwhile but its own input (a reader's stream, the scratch
 * file), and a reader takes nothing here before its package's decode slot, so waiting here cannot
 * close a cycle.
 */
public final class EntryBytes {
  /** A quarter of the heap: room left for the decoders, the vmlinux and the judges. */
  private static final EntryBytes JVM = new EntryBytes(Runtime.getRuntime().maxMemory() / 4);

  private final long budget;
  private long held;

  EntryBytes(long budget) {
    this.budget = budget;
  }

  public static EntryBytes jvm() {
    return JVM;
  }

  /** Waits until {@code bytes} fit beside what others hold (or nothing is held), then holds them. */
  public synchronized void take(long bytes) throws InterruptedIOException {
    while (held > 0 && held + bytes > budget) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to read an entry");
      }
    }
    held += bytes;
  }

  /** Gives back what {@link #take} held. */
  public synchronized void give(long bytes) {
    held -= bytes;
    notifyAll();
  }
}
