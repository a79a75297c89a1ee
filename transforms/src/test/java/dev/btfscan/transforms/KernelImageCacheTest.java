package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.ref.WeakReference;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An image is extracted once however often it is asked for while it is known, and a large one is
 * known only while somebody else still holds it.
 */
class KernelImageCacheTest {
  /** Counts extractions; the result holds nothing of the image. */
  private static final class Counting implements KernelImageCache.Extraction {
    final AtomicInteger runs = new AtomicInteger();
    final KernelImageCache.Extracted result = new KernelImageCache.Extracted(
        new BtfFiles.Found(new byte[] {1}, "raw", "6.1.0", "x86_64"), "sha");

    @Override
    public KernelImageCache.Extracted of(byte[] image) {
      runs.incrementAndGet();
      return result;
    }
  }

  private static byte[] image(int bytes, long seed) {
    byte[] image = new byte[bytes];
    new Random(seed).nextBytes(image);
    return image;
  }

  /**
   * Whether what {@code probe} refers to is collected after a few GCs (asked with refersTo: an
   * assertNull on it would print the 64 MB array on failure).
   */
  private static boolean collected(WeakReference<byte[]> probe) throws InterruptedException {
    for (int i = 0; i < 20 && !probe.refersTo(null); i++) {
      System.gc();
      Thread.sleep(10);
    }
    return probe.refersTo(null);
  }

  @Test
  void aSmallImageIsFoundAgainByItsContentInAnotherArray() throws Exception {
    Counting counting = new Counting();
    byte[] image = image(1 << 20, 1);
    assertSame(counting.result, KernelImageCache.load(image, counting));
    assertSame(counting.result, KernelImageCache.load(image.clone(), counting));
    assertEquals(1, counting.runs.get());
  }

  @Test
  void aLargeImageAskedForAgainAfterItsExtractionEndedIsNotExtractedAgain() throws Exception {
    // the package's session asking late, after the reader's digest extracted the same array
    byte[] image = image(KernelImageCache.KEPT_IMAGE_BYTES + 1, 2);
    assertEquals(1, extractionsOf(image, image));
  }

  @Test
  void aLargeImageOfTheSameContentInAnotherArrayIsExtractedOnItsOwn() throws Exception {
    // comparing it with the first would hold both at once, and the first may be gone but for the cache
    byte[] image = image(KernelImageCache.KEPT_IMAGE_BYTES + 1, 5);
    assertEquals(2, extractionsOf(image, image.clone()));
  }

  @Test
  void aLargeImageIsNotKeptAliveByTheCache() throws Exception {
    byte[] image = image(KernelImageCache.KEPT_IMAGE_BYTES + 1, 3);
    KernelImageCache.load(image, new Counting());
    WeakReference<byte[]> probe = new WeakReference<>(image);
    image = null;
    assertTrue(collected(probe), "the cache still holds a large image nobody else does");
  }

  @Test
  void aLargeRawBtfWhoseResultIsTheImageItselfIsNotKeptAliveThroughTheResult() throws Exception {
    byte[] image = image(KernelImageCache.KEPT_IMAGE_BYTES + 1, 6);
    KernelImageCache.load(image,
        raw -> new KernelImageCache.Extracted(new BtfFiles.Found(raw, "raw", null, null), "sha"));
    WeakReference<byte[]> probe = new WeakReference<>(image);
    image = null;
    assertTrue(collected(probe), "the cache holds a large raw BTF through its result");
  }

  @Test
  void aSecondCallerWaitsForTheExtractionInFlightInsteadOfRunningItsOwn() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Counting counting = new Counting();
    KernelImageCache.Extraction slow = image -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return counting.of(image);
    };
    byte[] image = image(1 << 20, 4);
    CompletableFuture<KernelImageCache.Extracted> first = CompletableFuture.supplyAsync(() -> {
      try {
        return KernelImageCache.load(image, slow);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    started.await(10, TimeUnit.SECONDS);
    CompletableFuture<KernelImageCache.Extracted> second = CompletableFuture.supplyAsync(() -> {
      try {
        return KernelImageCache.load(image.clone(), slow);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Thread.sleep(50); // the second caller is in (or about to be in) its wait
    release.countDown();
    assertSame(counting.result, first.get(10, TimeUnit.SECONDS));
    assertSame(counting.result, second.get(10, TimeUnit.SECONDS));
    assertEquals(1, counting.runs.get());
  }

  /** How many extractions loading {@code first}, then {@code second}, runs. */
  private static int extractionsOf(byte[] first, byte[] second) throws Exception {
    Counting counting = new Counting();
    KernelImageCache.load(first, counting);
    KernelImageCache.load(second, counting);
    return counting.runs.get();
  }
}
