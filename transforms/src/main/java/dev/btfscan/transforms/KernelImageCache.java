package dev.btfscan.transforms;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link BtfFiles#load} found in a kernel image, once per worker JVM and image content: the
 * package reader extracts a package's vmlinux to judge its modules, and the kernel step extracts
 * the same image again for its row and the side input. Decompressing a vmlinuz is the costly part
 * (an xz bzImage takes most of a second), hashing it a few milliseconds. On a runner that sends the
 * image to another worker the second extraction simply happens there.
 */
final class KernelImageCache {
  /** A few images: each entry holds one vmlinux BTF (a few MB). */
  private static final int CAPACITY = 4;
  private static final Map<String, BtfFiles.Found> CACHE = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, BtfFiles.Found> eldest) {
      return size() > CAPACITY;
    }
  };

  private KernelImageCache() {}

  static BtfFiles.Found load(byte[] image) throws IOException {
    String key = Sha256.hex(image);
    synchronized (CACHE) {
      BtfFiles.Found hit = CACHE.get(key);
      if (hit != null) {
        return hit;
      }
    }
    // Outside the lock: two threads may extract the same image at once; both results are equal.
    BtfFiles.Found found = BtfFiles.load(image);
    synchronized (CACHE) {
      CACHE.putIfAbsent(key, found);
    }
    return found;
  }
}
