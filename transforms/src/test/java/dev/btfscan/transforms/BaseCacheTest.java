package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.analysis.KernelBase;
import org.junit.jupiter.api.Test;

/** The parsed bases a worker keeps: shared by content, and bounded however many the run has. */
class BaseCacheTest {
  @Test
  void oneParsePerContentWhateverTheReleaseName() throws Exception {
    byte[] btf = KernelBtfTest.vmlinuxWithInt("shared_by_content");
    KernelBase a = BaseCache.get(KernelBtfTest.inMemory("6.1.0-a", btf));
    KernelBase b = BaseCache.get(KernelBtfTest.inMemory("6.1.0-b", btf));
    assertSame(a.btf(), b.btf());
    assertEquals("6.1.0-b", b.release());
  }

  @Test
  void holdsAtMostCapacityBasesAndEvictsTheLeastRecentlyUsed() throws Exception {
    KernelBtf first = KernelBtfTest.inMemory("r0", KernelBtfTest.vmlinuxWithInt("evicted_first"));
    KernelBase firstParse = BaseCache.get(first);
    for (int i = 1; i <= BaseCache.CAPACITY + 4; i++) {
      BaseCache.get(KernelBtfTest.inMemory("r" + i, KernelBtfTest.vmlinuxWithInt("base_" + i)));
      assertTrue(BaseCache.size() <= BaseCache.CAPACITY, "bases held: " + BaseCache.size());
    }
    // the byte bound: BoundedCacheTest
    assertNotSame(firstParse.btf(), BaseCache.get(first).btf(), "the oldest base was parsed again");
  }
}
