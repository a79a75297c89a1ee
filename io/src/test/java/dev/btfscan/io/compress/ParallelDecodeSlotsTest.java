package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ParallelDecodeSlotsTest {
  @Test
  void halfTheCoresAtLeastOneAndNoMoreThanTheHeapHolds() {
    long gib = 1L << 30;
    assertEquals(1, ParallelDecodeSlots.slotsFor(1, 8 * gib));
    assertEquals(1, ParallelDecodeSlots.slotsFor(2, 8 * gib));
    assertEquals(4, ParallelDecodeSlots.slotsFor(8, 8 * gib));
    assertEquals(2, ParallelDecodeSlots.slotsFor(8, 2 * ParallelDecodeSlots.HEAP_PER_PACKAGE));
    assertEquals(1, ParallelDecodeSlots.slotsFor(8, 100L << 20));
  }

  @Test
  void aPackageTakesOneSlotAtItsFirstParallelDecodeAndGivesItBackAtItsEnd() throws Exception {
    ParallelDecodeSlots slots = new ParallelDecodeSlots(1);
    try (ParallelDecodeSlots.Scope s = slots.readingPackage()) {
      assertEquals(1, slots.available(), "nothing taken before the payload decodes in parallel");
      slots.parallelDecodeStarts();
      assertEquals(0, slots.available());
      slots.parallelDecodeStarts(); // the package's vmlinuz, decoded inside it: no second slot
      assertEquals(0, slots.available());
    }
    assertEquals(1, slots.available());
  }

  @Test
  void decodesOutsideAPackageReadNeverWait() throws Exception {
    ParallelDecodeSlots slots = new ParallelDecodeSlots(1);
    try (ParallelDecodeSlots.Scope s = slots.readingPackage()) {
      slots.parallelDecodeStarts();
      AtomicBoolean done = new AtomicBoolean();
      Thread downstream = new Thread(() -> {
        try {
          slots.parallelDecodeStarts(); // e.g. a module's .ko.xz analysed after the shuffle
          done.set(true);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      downstream.start();
      downstream.join(10_000);
      assertTrue(done.get());
    }
  }

  @Test
  void aSecondPackageWaitsForTheFirstOnesEnd() throws Exception {
    ParallelDecodeSlots slots = new ParallelDecodeSlots(1);
    CountDownLatch secondStarted = new CountDownLatch(1);
    AtomicBoolean secondDecoding = new AtomicBoolean();
    Thread second;
    try (ParallelDecodeSlots.Scope first = slots.readingPackage()) {
      slots.parallelDecodeStarts();
      second = new Thread(() -> {
        try (ParallelDecodeSlots.Scope s = slots.readingPackage()) {
          secondStarted.countDown();
          slots.parallelDecodeStarts();
          secondDecoding.set(true);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      second.start();
      assertTrue(secondStarted.await(10, TimeUnit.SECONDS));
      Thread.sleep(200);
      assertFalse(secondDecoding.get(), "waits while the first package is read");
    }
    second.join(10_000);
    assertTrue(secondDecoding.get(), "goes on once the first package has been read");
    assertEquals(1, slots.available());
  }
}
