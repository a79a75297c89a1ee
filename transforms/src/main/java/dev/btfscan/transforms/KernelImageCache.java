package dev.btfscan.transforms;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.zip.CRC32;

/**
 * What a kernel image holds, once per worker JVM and image content: the package reader extracts a
 * package's vmlinux to judge its modules, and right after, on the same thread, again for the
 * digest it sends on instead of the image (its row, its blob; {@link StoredKernelImage}); the
 * kernel step extracts an image itself only when it came without a digest. Decompressing a vmlinuz
 * is the costly part (an xz bzImage takes most of a second); finding the image again costs a CRC32
 * and one comparison of its bytes (a hash of 8 MB with SHA-256 took a fifth of the reader's
 * samples, and an image's identity must not rest on a checksum a hostile package can collide),
 * and the second extraction parses the BTF again (half a millisecond for a vmlinux).
 */
final class KernelImageCache {
  /** A couple of images: each entry holds an image and its vmlinux BTF (a few MB each). */
  private static final int CAPACITY = 2;

  /** An image's BTF as {@link BtfFiles#load} finds it, and that BTF's SHA-256 (hex). */
  record Extracted(BtfFiles.Found found, String btfSha256) {}

  private record Entry(long crc, byte[] image, Extracted extracted) {}

  /** Most recently used first. */
  private static final LinkedList<Entry> CACHE = new LinkedList<>();

  private KernelImageCache() {}

  static Extracted load(byte[] image) throws IOException {
    CRC32 crc32 = new CRC32();
    crc32.update(image);
    long crc = crc32.getValue();
    synchronized (CACHE) {
      for (Iterator<Entry> it = CACHE.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.crc() == crc && Arrays.equals(e.image(), image)) {
          it.remove();
          CACHE.addFirst(e);
          return e.extracted();
        }
      }
    }
    // Outside the lock: two threads may extract the same image at once; both results are equal.
    BtfFiles.Found found = BtfFiles.load(image);
    Extracted extracted = new Extracted(found, Sha256.hex(found.btf()));
    synchronized (CACHE) {
      CACHE.addFirst(new Entry(crc, image, extracted));
      while (CACHE.size() > CAPACITY) {
        CACHE.removeLast();
      }
    }
    return extracted;
  }
}
