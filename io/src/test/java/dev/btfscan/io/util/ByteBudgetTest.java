package dev.btfscan.io.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class ByteBudgetTest {
  @Test
  void aTakeWaitsUntilItsBytesFitBesideWhatOthersHold() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    Thread second = waitingTaker(budget, 50);
    assertEquals(60, budget.held());

    budget.give(60);

    assertGranted(second);
    assertEquals(50, budget.held());
  }

  @Test
  void aLargeTakeIsNotOvertakenBySmallerOnesThatCameAfterIt() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    Thread large = waitingTaker(budget, 100);
    Thread small = waitingTaker(budget, 10); // would fit beside the 60 held, but the large one came first
    assertEquals(60, budget.held());

    budget.give(60);
    assertGranted(large);
    assertEquals(100, budget.held(), "the large take first, alone");
    awaitWaiting(small);

    budget.give(100);
    assertGranted(small);
    assertEquals(10, budget.held());
  }

  @Test
  void anInterruptedTakeLeavesTheLineToThoseBehindIt() throws Exception {
    ByteBudget budget = new ByteBudget(100);
    budget.take(60);
    Thread large = waitingTaker(budget, 100);
    Thread small = waitingTaker(budget, 10);

    large.interrupt();

    assertGranted(small); // once the interrupted take left the line
    assertEquals(70, budget.held());
  }

  /**
   * A thread that takes {@code bytes} and keeps them (an interrupt ends it holding nothing),
   * started and waiting for the budget; fails if it is granted at once.
   */
  private static Thread waitingTaker(ByteBudget budget, long bytes) throws InterruptedException {
    Thread t = new Thread(() -> {
      try {
        budget.take(bytes);
      } catch (java.io.InterruptedIOException e) {
        // left the line
      }
    });
    t.start();
    awaitWaiting(t);
    return t;
  }

  private static void assertGranted(Thread taker) throws InterruptedException {
    taker.join(10_000);
    assertFalse(taker.isAlive(), "the take was not granted");
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
