package dev.btfscan.transforms;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used cache bounded by entries and by the summed weight of its values. The
 * newest entry is always kept, even alone above the weight bound: it is about to be used.
 * Thread-safe.
 */
final class BoundedCache<K, V> {
  private final int capacity;
  private final long maxWeight;
  private final ToLongFunction<V> weight;
  private final LinkedHashMap<K, V> entries;
  private long held;

  BoundedCache(int capacity, long maxWeight, ToLongFunction<V> weight) {
    if (capacity < 1 || maxWeight < 0) {
      throw new IllegalArgumentException("capacity " + capacity + ", max weight " + maxWeight);
    }
    this.capacity = capacity;
    this.maxWeight = maxWeight;
    this.weight = weight;
    this.entries = new LinkedHashMap<>(capacity, 0.75f, true);
  }

  /** The value of {@code key}, now the most recently used, or null. */
  synchronized V get(K key) {
    return entries.get(key);
  }

  /** Adds {@code value} unless {@code key} has one; returns the value held for {@code key}. */
  synchronized V putIfAbsent(K key, V value) {
    V old = entries.putIfAbsent(key, value);
    if (old != null) {
      return old;
    }
    held += weight.applyAsLong(value);
    Iterator<V> eldest = entries.values().iterator();
    while ((entries.size() > capacity || held > maxWeight) && entries.size() > 1) {
      held -= weight.applyAsLong(eldest.next());
      eldest.remove();
    }
    return value;
  }

  synchronized int size() {
    return entries.size();
  }

  /** The summed weight of the values held. */
  synchronized long weight() {
    return held;
  }
}
