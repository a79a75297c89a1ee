package dev.btfscan.io.pkg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hard-link sets of a cpio payload. cpio (and rpm, in both its newc and its stripped
 * flavour) stores a set's content once, with its last link; the links before it are entries of
 * size 0. Read naively, each of those would be an empty module and an {@code invalid} row for a
 * file that is fine. So a link without content is held until the link that carries the set's
 * content, then reported as a hard link to it, as a tar hard link is: every name gets its row, the
 * bytes are analysed once.
 *
 * <p>A set whose every link is empty is an empty file, reported when the archive ends. Links still
 * held when the payload breaks are reported as hard links whose content never came, so that no
 * entry seen goes unaccounted. Only links that are kernel files are held: the others are no rows.
 */
final class CpioHardLinks {
  /**
   * Carriers kept for links that come after their set's content (not the order cpio and rpm
   * write, so rare): the most recent this many, so that a payload of millions of hard-link sets
   * holds a bounded map. A link whose carrier was let go waits like one that came first.
   */
  private static final int CARRIERS_KEPT = 1 << 16;

  /** Per set: the kernel-file links read so far without content, in archive order. */
  private final Map<Object, List<String>> waiting = new LinkedHashMap<>();
  /** Per set: the raw name of the link that carried its content (the most recent sets only). */
  private final Map<Object, String> carriers = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Object, String> eldest) {
      return size() > CARRIERS_KEPT;
    }
  };
  private final ReadContext ctx;

  CpioHardLinks(ReadContext ctx) {
    this.ctx = ctx;
  }

  /**
   * A link of {@code set} stored without content: reported once the set's content is known. A link
   * that is no kernel file is no row, only counted, so it is reported at once and never held.
   */
  void contentless(Object set, String rawName) throws IOException {
    String carrier = carriers.get(set);
    if (carrier != null) {
      ctx.other(rawName, EntryType.HARDLINK, carrier); // the content came first (not rpm's order)
    } else if (ReadContext.kindOf(rawName) == KernelFileKind.OTHER) {
      ctx.other(rawName, EntryType.HARDLINK, null);
    } else {
      waiting.computeIfAbsent(set, k -> new ArrayList<>()).add(rawName);
    }
  }

  /**
   * The link of {@code set} that carried its content (already handed to the visitor): the links
   * held before it become hard links to it.
   */
  void carried(Object set, String rawName) throws IOException {
    carriers.putIfAbsent(set, rawName);
    List<String> held = waiting.remove(set);
    if (held != null) {
      for (String link : held) {
        ctx.other(link, EntryType.HARDLINK, carriers.get(set));
      }
    }
  }

  /**
   * At the trailer: a set that never carried content is an empty file. Its last link is reported
   * as that file and the others as hard links to it, as when rpm's header names the last link.
   */
  void finish() throws IOException {
    List<Map.Entry<Object, List<String>>> sets = new ArrayList<>(waiting.entrySet());
    for (Map.Entry<Object, List<String>> set : sets) {
      List<String> links = set.getValue();
      String last = links.remove(links.size() - 1);
      ctx.file(last, 0, new ByteArrayInputStream(new byte[0]));
      carried(set.getKey(), last);
    }
  }

  /**
   * When the payload broke: the links still held are reported as hard links whose content never
   * came. Never throws over the failure being reported; a second failure is added to it.
   */
  void abandon(Throwable failure) {
    List<List<String>> sets = new ArrayList<>(waiting.values());
    waiting.clear();
    for (List<String> links : sets) {
      for (String link : links) {
        try {
          ctx.other(link, EntryType.HARDLINK, null);
        } catch (IOException | RuntimeException e) {
          failure.addSuppressed(e);
        }
      }
    }
  }
}
