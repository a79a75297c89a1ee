package dev.btfscan.transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32;

/**
 * What a kernel image holds, once per worker JVM and image content: the package reader extracts a
 * package's vmlinux to judge its modules (in the background: {@link JudgeWhileReading}), and
 * again for the digest it sends on instead of the image (its row, its blob; {@link
 * StoredKernelImage}); the kernel step extracts an image itself only when it came without a
 * digest. Decompressing a vmlinuz is the costly part (an xz bzImage takes most of a second);
 * finding the image again costs a CRC32 and one comparison of its bytes (a hash of 8 MB with
 * SHA-256 took a fifth of the reader's samples, and an image's identity must not rest on a
 * checksum a hostile package can collide), and the second extraction parses the BTF again (half a
 * millisecond for a vmlinux).
 *
 * <p>Single flight: an image being extracted is in the cache from the start, so a second caller
 * waits for that extraction instead of running its own.
 */
final class KernelImageCache {
  /** A couple of images: each entry holds an image and its vmlinux BTF (a few MB each). */
  private static final int CAPACITY = 2;
  /**
   * Larger images are kept only while they are extracted (so a second caller still waits for that
   * extraction), not after: an image may be as large as the entry cap (256 MB), and two kept ones
   * with a third being read ran the 640 MB heap of 2 cores out of memory. Real vmlinuz are 8-15 MB,
   * raw arm64 Images about 40 MB; a larger one is extracted again for its digest.
   */
  static final int KEPT_IMAGE_BYTES = 64 << 20;

  /** An image's BTF as {@link BtfFiles#load} finds it, and that BTF's SHA-256 (hex). */
  record Extracted(BtfFiles.Found found, String btfSha256) {}

  private record Entry(long crc, byte[] image, CompletableFuture<Extracted> extracted) {}

  /** Most recently used first. */
  private static final LinkedList<Entry> CACHE = new LinkedList<>();

  private KernelImageCache() {}

  /** The image's BTF: found in the cache, waited for if another thread is extracting it, else extracted here. */
  static Extracted load(byte[] image) throws IOException {
    CRC32 crc32 = new CRC32();
    crc32.update(image);
    long crc = crc32.getValue();
    CompletableFuture<Extracted> mine = new CompletableFuture<>();
    CompletableFuture<Extracted> found = null;
    synchronized (CACHE) {
      for (Iterator<Entry> it = CACHE.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.crc() == crc && Arrays.equals(e.image(), image)) {
          it.remove();
          CACHE.addFirst(e);
          found = e.extracted();
          break;
        }
      }
      if (found == null) {
        CACHE.addFirst(new Entry(crc, image, mine));
        while (CACHE.size() > CAPACITY) {
          CACHE.removeLast();
        }
      }
    }
    if (found != null) {
      return await(found, image);
    }
    try {
      return extract(image, mine);
    } finally {
      if (image.length > KEPT_IMAGE_BYTES) {
        forget(mine); // not kept past its extraction: see KEPT_IMAGE_BYTES
      }
    }
  }

  private static Extracted extract(byte[] image, CompletableFuture<Extracted> mine) throws IOException {
    try {
      BtfFiles.Found found = BtfFiles.load(image);
      Extracted extracted = new Extracted(found, Sha256.hex(found.btf()));
      mine.complete(extracted);
      return extracted;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e); // the same bytes fail the same way for whoever waits
      throw e;
    } catch (Error e) {
      // not the image's fault (out of memory, ...): whoever waits tries again on its own
      forget(mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private static void forget(CompletableFuture<Extracted> extraction) {
    synchronized (CACHE) {
      CACHE.removeIf(e -> e.extracted() == extraction);
    }
  }

  private static Extracted await(CompletableFuture<Extracted> extraction, byte[] image) throws IOException {
    try {
      return Waiting.forResult(extraction);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error) {
        // the other extraction hit an Error of its own and forgot its entry: try this one here
        return load(image);
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }
}
