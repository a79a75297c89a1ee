package dev.btfscan.transforms;

import dev.btfscan.analysis.KernelBase;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed vmlinux BTF, once per worker JVM and content: every module of a release shares one
 * parse. Keyed by the BTF's sha256, so two pipelines in one JVM (tests, or a runner that reuses
 * workers) never see each other's bases under a shared release name.
 */
final class BaseCache {
  /**
   * At most this many bases and this many bytes of their raw BTF (plus what parsing and indexing
   * add, about as much again): the cache is the only place a worker keeps vmlinux BTF (the side
   * input holds references, see {@link KernelBtf}), so it bounds a worker's bases whatever the run
   * reads. 16 Debian vmlinux are about 90 MB; a scan whose modules come from more releases than
   * that, in mixed order, reads and parses a base again (tens of ms) each time it returns.
   */
  static final int CAPACITY = 16;
  static final long MAX_BYTES = 128L << 20;

  private static final LinkedHashMap<String, KernelBase> CACHE = new LinkedHashMap<>(CAPACITY, 0.75f, true);
  private static long cachedBytes;

  private BaseCache() {}

  /** Oldest first, but never the newest: a base larger than the bound is still used once. */
  private static void evictBeyondBounds() {
    Iterator<KernelBase> eldest = CACHE.values().iterator();
    while ((CACHE.size() > CAPACITY || cachedBytes > MAX_BYTES) && CACHE.size() > 1) {
      cachedBytes -= eldest.next().btf().availableLength();
      eldest.remove();
    }
  }

  /** How many bases and raw BTF bytes the cache holds now (tests). */
  static long[] held() {
    synchronized (CACHE) {
      return new long[] {CACHE.size(), cachedBytes};
    }
  }

  private static final Map<Btf, BaseIndex> INDEXES = new java.util.WeakHashMap<>();

  /** The type index of a cached base, built once per worker. */
  static BaseIndex index(KernelBase base) {
    synchronized (INDEXES) {
      return INDEXES.computeIfAbsent(base.btf(), BaseIndex::of);
    }
  }

  static KernelBase get(KernelBtf kernel) throws BtfFormatException {
    synchronized (CACHE) {
      KernelBase hit = CACHE.get(kernel.sha256());
      if (hit != null) {
        return new KernelBase(kernel.release(), kernel.source(), hit.btf());
      }
    }
    // Parse outside the lock: two threads may race on a new base, and both results are equal.
    Btf btf = BtfParser.parse(kernel.bytes());
    KernelBase base = new KernelBase(kernel.release(), kernel.source(), btf);
    synchronized (CACHE) {
      if (CACHE.putIfAbsent(kernel.sha256(), base) == null) {
        cachedBytes += btf.availableLength();
        evictBeyondBounds();
      }
    }
    return base;
  }
}
