package dev.btfscan.transforms;

import dev.btfscan.io.compress.DecompressionCaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
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
   * Larger images are held by the cache only weakly, and found again only as the same array: a
   * package's session and its digest both ask for the image the reader holds, in either order, the
   * later one perhaps after the other's extraction ended. The cache never keeps such an image
   * alive, nor brings one back to life to compare it with another: an image may be as large as the
   * entry cap (256 MB), and two kept ones with a third being read ran the 640 MB heap of 2 cores out
   * of memory, as did a late request comparing its image with an earlier package's of the same
   * content. Real vmlinuz are 8-15 MB, raw arm64 Images about 40 MB.
   */
  static final int KEPT_IMAGE_BYTES = 64 << 20;

  /** An image's BTF as {@link BtfFiles#load} finds it, and that BTF's SHA-256 (hex). */
  record Extracted(BtfFiles.Found found, String btfSha256) {}

  /**
   * How an image is extracted: {@link Within} but in tests. An image is found again only for an
   * extraction equal to its own: within other caps, the same image may give another outcome.
   */
  interface Extraction {
    Extracted of(byte[] image) throws IOException;
  }

  /** {@link BtfFiles#load} within these caps. */
  private record Within(DecompressionCaps caps) implements Extraction {
    @Override
    public Extracted of(byte[] image) throws IOException {
      BtfFiles.Found found = BtfFiles.load(image, caps);
      return new Extracted(found, Sha256.hex(found.btf()));
    }
  }

  /**
   * One image and its extraction, begun or done.
   *
   * @param kept the image, held strongly (images up to {@link #KEPT_IMAGE_BYTES}), else null
   * @param weak the image, held weakly (larger ones), else null
   */
  private record Entry(long crc, byte[] kept, WeakReference<byte[]> weak, Extraction how,
      CompletableFuture<Extracted> extracted) {
    static Entry of(long crc, byte[] image, Extraction how, CompletableFuture<Extracted> extracted) {
      return image.length > KEPT_IMAGE_BYTES
          ? new Entry(crc, null, new WeakReference<>(image), how, extracted)
          : new Entry(crc, image, null, how, extracted);
    }

    /** Whether a weakly held image is gone (asked without taking hold of it). */
    boolean gone() {
      return weak != null && weak.refersTo(null);
    }

    boolean holds(long crc, byte[] image, Extraction how) {
      if (!this.how.equals(how)) {
        return false;
      }
      if (weak != null) {
        return weak.refersTo(image);
      }
      return this.crc == crc && Arrays.equals(kept, image);
    }
  }

  /** Most recently used first. */
  private static final LinkedList<Entry> CACHE = new LinkedList<>();

  private KernelImageCache() {}

  /** The image's BTF: found in the cache, waited for if another thread is extracting it, else extracted here. */
  static Extracted load(byte[] image, DecompressionCaps caps) throws IOException {
    return load(image, new Within(caps));
  }

  static Extracted load(byte[] image, Extraction extraction) throws IOException {
    CRC32 crc32 = new CRC32();
    crc32.update(image);
    long crc = crc32.getValue();
    CompletableFuture<Extracted> mine = new CompletableFuture<>();
    CompletableFuture<Extracted> found = null;
    synchronized (CACHE) {
      CACHE.removeIf(Entry::gone); // weakly held images nobody holds any more
      for (Iterator<Entry> it = CACHE.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.holds(crc, image, extraction)) {
          it.remove();
          CACHE.addFirst(e);
          found = e.extracted();
          break;
        }
      }
      if (found == null) {
        CACHE.addFirst(Entry.of(crc, image, extraction, mine));
        while (CACHE.size() > CAPACITY) {
          CACHE.removeLast();
        }
      }
    }
    if (found != null) {
      return await(found, image, extraction);
    }
    Extracted extracted = extract(image, mine, extraction);
    if (image.length > KEPT_IMAGE_BYTES && extracted.found().btf() == image) {
      // raw BTF is its own result: the entry would hold the image through it after all (finding
      // raw BTF again is a header parse)
      forget(mine);
    }
    return extracted;
  }

  private static Extracted extract(byte[] image, CompletableFuture<Extracted> mine, Extraction extraction)
      throws IOException {
    try {
      Extracted extracted = extraction.of(image);
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

  private static Extracted await(CompletableFuture<Extracted> extraction, byte[] image, Extraction again)
      throws IOException {
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
        return load(image, again);
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }
}
