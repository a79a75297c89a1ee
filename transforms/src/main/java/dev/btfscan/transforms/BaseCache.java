package dev.btfscan.transforms;

import dev.btfscan.analysis.KernelBase;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed vmlinux BTF, once per worker JVM and content: every module of a release shares one
 * parse. Keyed by the BTF's sha256, so two pipelines in one JVM (tests, or a runner that reuses
 * workers) never see each other's bases under a shared release name.
 */
final class BaseCache {
  private static final int CAPACITY = 16;
  private static final Map<String, KernelBase> CACHE =
      new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KernelBase> eldest) {
          return size() > CAPACITY;
        }
      };

  private BaseCache() {}

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
    Btf btf = BtfParser.parse(kernel.btf());
    KernelBase base = new KernelBase(kernel.release(), kernel.source(), btf);
    synchronized (CACHE) {
      CACHE.putIfAbsent(kernel.sha256(), base);
    }
    return base;
  }
}
