package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Least recently used out, by count and by weight, never the entry just added. */
class BoundedCacheTest {
  private static BoundedCache<String, String> cache(int capacity, long maxWeight) {
    return new BoundedCache<>(capacity, maxWeight, String::length);
  }

  @Test
  void beyondItsCapacityTheLeastRecentlyUsedGoes() {
    BoundedCache<String, String> c = cache(2, 100);
    c.putIfAbsent("a", "1");
    c.putIfAbsent("b", "2");
    c.get("a"); // a is now more recent than b
    c.putIfAbsent("c", "3");
    assertEquals("1", c.get("a"));
    assertNull(c.get("b"));
    assertEquals("3", c.get("c"));
    assertEquals(2, c.size());
  }

  @Test
  void beyondItsWeightTheOldestGoUntilItFits() {
    BoundedCache<String, String> c = cache(10, 10);
    c.putIfAbsent("a", "aaaa");
    c.putIfAbsent("b", "bbbb");
    c.putIfAbsent("c", "cccccc"); // 14 > 10: a goes, 10 fits
    assertNull(c.get("a"));
    assertEquals("bbbb", c.get("b"));
    assertEquals(10, c.weight());
  }

  @Test
  void anEntryHeavierThanTheBoundIsKeptAloneUntilTheNext() {
    BoundedCache<String, String> c = cache(10, 3);
    c.putIfAbsent("a", "aa");
    c.putIfAbsent("big", "bbbbbbbb");
    assertNull(c.get("a"));
    assertEquals("bbbbbbbb", c.get("big"));
    assertEquals(1, c.size());
    c.putIfAbsent("x", "x");
    assertNull(c.get("big"));
    assertEquals(1, c.weight());
  }

  @Test
  void aKeyAlreadyHeldKeepsItsFirstValue() {
    BoundedCache<String, String> c = cache(2, 100);
    String first = c.putIfAbsent("a", new String("v"));
    assertSame(first, c.putIfAbsent("a", new String("v")));
    assertEquals(1, c.weight());
  }
}
