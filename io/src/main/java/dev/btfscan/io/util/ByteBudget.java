package dev.btfscan.io.util;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * A count of bytes that holders keep whole in memory at once, against a budget: a holder waits
 * until what it asks for fits beside what the others hold, or until nothing is held, so a request
 * larger than the whole budget is still granted, alone; requests are granted in the order they
 * came, so every holder makes progress.
 *
 * <p>Waiting is only safe while holding nothing of the same budget: two holders each waiting for
 * more beside what they already hold would wait for each other for ever. {@link #tryTakeMore}
 * grows a holding without waiting instead.
 */
public final class ByteBudget {
  private final long budget;
  private long held;
  /** Those waiting in {@link #take}, first come first: a large request is not overtaken for ever. */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();

  public ByteBudget(long budget) {
    if (budget <= 0) {
      throw new IllegalArgumentException("budget must be positive, got " + budget);
    }
    this.budget = budget;
  }

  /**
   * Waits until {@code bytes} fit beside what others hold (or nothing is held), then holds them.
   * Takes are granted in the order they came: smaller ones that would fit wait behind a larger one
   * that waits for room, so it is not starved (each holder gives back without waiting for another
   * take, so the one at the head is always granted in the end).
   */
  public synchronized void take(long bytes) throws InterruptedIOException {
    Object me = new Object();
    waiting.addLast(me);
    try {
      while (waiting.peekFirst() != me || (held > 0 && held + bytes > budget)) {
        wait();
      }
    } catch (InterruptedException e) {
      waiting.remove(me);
      notifyAll(); // the one behind may be at the head now
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + bytes + " bytes of memory");
    }
    waiting.removeFirst();
    held += bytes;
    notifyAll(); // the next in line may fit beside these
  }

  /**
   * Holds {@code more} bytes beside the {@code mine} this caller holds already, if they fit in the
   * budget or if the caller's are all that is held; never waits.
   *
   * @return whether the bytes are now held
   */
  public synchronized boolean tryTakeMore(long mine, long more) {
    if (held > mine && held + more > budget) {
      return false;
    }
    held += more;
    return true;
  }

  /** Gives back bytes that {@link #take} or {@link #tryTakeMore} held. */
  public synchronized void give(long bytes) {
    held -= bytes;
    notifyAll();
  }

  /** What is held now, for tests and diagnostics. */
  public synchronized long held() {
    return held;
  }
}
