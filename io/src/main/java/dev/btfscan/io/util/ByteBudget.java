package dev.btfscan.io.util;

import java.io.InterruptedIOException;

/**
 * A count of bytes that holders keep whole in memory at once, against a budget: a holder waits
 * until what it asks for fits beside what the others hold, or until nothing is held, so a request
 * larger than the whole budget is still granted, alone, and every holder makes progress.
 *
 * <p>Waiting is only safe while holding nothing of the same budget: two holders each waiting for
 * more beside what they already hold would wait for each other for ever. {@link #tryTakeMore}
 * grows a holding without waiting instead.
 */
public final class ByteBudget {
  private final long budget;
  private long held;

  public ByteBudget(long budget) {
    if (budget <= 0) {
      throw new IllegalArgumentException("budget must be positive, got " + budget);
    }
    this.budget = budget;
  }

  /** Waits until {@code bytes} fit beside what others hold (or nothing is held), then holds them. */
  public synchronized void take(long bytes) throws InterruptedIOException {
    while (held > 0 && held + bytes > budget) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for " + bytes + " bytes of memory");
      }
    }
    held += bytes;
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
