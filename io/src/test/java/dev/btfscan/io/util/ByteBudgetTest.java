package dev.btfscan.io.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

public class ByteBudgetTest {
  @Test
  void aTakeWaitsUntilItsBytesFitBesideWhatOthersHold() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    AtomicBoolean granted = new AtomicBoolean();
    Thread second = new Thread(() -> {
      try {
        budget.take(50);
        granted.set(true);
      } catch (java.io.InterruptedIOException e) {
        throw new AssertionError(e);
      }
    });
    second.start();
    awaitWaiting(second);
    assertFalse(granted.get());
    assertEquals(60, budget.held());

    budget.give(60);
    second.join(10_000);

    assertTrue(granted.get());
    assertEquals(50, budget.held());
  }

  @Test
  void aLargeTakeIsNotOvertakenBySmallerOnesThatCameAfterIt() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    Thread large = taker(budget, 100);
    large.start();
    awaitWaiting(large);
    Thread small = taker(budget, 10); // would fit beside the 60 held, but the large one came first
    small.start();
    awaitWaiting(small);
    assertEquals(60, budget.held());

    budget.give(60);
    large.join(10_000);
    assertFalse(large.isAlive());
    assertEquals(100, budget.held(), "the large take first, alone");
    awaitWaiting(small);

    budget.give(100);
    small.join(10_000);
    assertFalse(small.isAlive());
    assertEquals(10, budget.held());
  }

  @Test
  void anInterruptedTakeLeavesTheLineToThoseBehindIt() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    Thread large = taker(budget, 100);
    large.start();
    awaitWaiting(large);
    Thread small = taker(budget, 10);
    small.start();
    awaitWaiting(small);

    large.interrupt();
    small.join(10_000);

    assertFalse(small.isAlive(), "granted once the interrupted take left the line");
    assertEquals(70, budget.held());
  }

  /** A thread that takes {@code bytes} (and keeps them); an interrupt ends it holding nothing. */
  private static Thread taker(ByteBudget budget, long bytes) {
    return new Thread(() -> {
      try {
        budget.take(bytes);
      } catch (java.io.InterruptedIOException e) {
        // left the line
      }
    });
  }

  @Test
  void aRequestLargerThanTheWholeBudgetIsGrantedWhenNothingElseIsHeld() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(1_000);
    assertEquals(1_000, budget.held());
  }

  @Test
  void moreIsRefusedWithoutWaitingWhenOthersHoldAndItDoesNotFit() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(30); // another holder's
    budget.take(40); // mine

    assertTrue(budget.tryTakeMore(40, 30)); // 100: fits
    assertFalse(budget.tryTakeMore(70, 1)); // 101 with another's 30 held
    assertEquals(100, budget.held());
  }

  @Test
  void moreIsGrantedBeyondTheBudgetToTheOnlyHolder() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(80);

    assertTrue(budget.tryTakeMore(80, 160)); // a growing array beside itself: nobody else to wait for
    assertEquals(240, budget.held());
  }

  /** Waits until {@code t} waits for the budget's monitor; fails if it ends first. */
  public static void awaitWaiting(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.getState() != Thread.State.WAITING) {
      if (!t.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("thread did not wait: " + t.getState());
      }
      Thread.sleep(1);
    }
  }
}
