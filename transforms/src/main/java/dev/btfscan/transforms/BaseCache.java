package dev.btfscan.transforms;

import dev.btfscan.analysis.KernelBase;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
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

  private static final BoundedCache<String, KernelBase> CACHE =
      new BoundedCache<>(CAPACITY, MAX_BYTES, base -> base.btf().availableLength());

  private BaseCache() {}

  private static final Map<Btf, BaseIndex> INDEXES = new java.util.WeakHashMap<>();

  /** The type index of a cached base, built once per worker. */
  static BaseIndex index(KernelBase base) {
    synchronized (INDEXES) {
      return INDEXES.computeIfAbsent(base.btf(), BaseIndex::of);
    }
  }

  static KernelBase get(KernelBtf kernel) throws BtfFormatException {
    KernelBase hit = CACHE.get(kernel.sha256());
    if (hit == null) {
      // Parse outside the cache's lock: two threads may race on a new base, and both results are equal.
      Btf btf = BtfParser.parse(kernel.bytes());
      hit = CACHE.putIfAbsent(kernel.sha256(), new KernelBase(kernel.release(), kernel.source(), btf));
    }
    return new KernelBase(kernel.release(), kernel.source(), hit.btf());
  }

  /** How many bases the cache holds now (tests). */
  static int size() {
    return CACHE.size();
  }
}
