package dev.btfscan.io.pkg;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

/**
 * rpm >= 4.12 writes this cpio flavour when a package has LONGFILESIZES (files of 4 GiB or more):
 * each entry is {@code "07070X"} plus an 8-hex-digit index into the main header's file arrays,
 * then the content; header and content each start 4-byte aligned. Names come from DIRNAMES/DIRINDEXES/BASENAMES, sizes
 * from LONGFILESIZES (or FILESIZES), types from FILEMODES. The archive ends with an ordinary newc
 * {@code TRAILER!!!} entry. Hard links carry their content on the last link of a set only, so the
 * others are read with size 0 (as rpm's own reader does) and reported as hard links to it
 * ({@link CpioHardLinks}).
 *
 * <p>Written from rpm's lib/cpio.c and lib/rpmfi.c and checked against a package rpmbuild 4.18
 * made with a 4 GiB file (test resource demo-largefile-zstd.rpm). Hard-link sets were not
 * checked against real output.
 */
final class StrippedCpioReader {
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  private StrippedCpioReader() {}

  static void read(InputStream payload, RpmHeader header, ReadContext ctx) throws IOException {
    // The file list comes from the main header: a malformed tag is no failure of the payload.
    String payloadPart = ctx.part();
    ctx.part(null);
    String[] basenames = header.strings(RpmHeader.TAG_BASENAMES);
    String[] dirnames = header.strings(RpmHeader.TAG_DIRNAMES);
    long[] dirindexes = header.longs(RpmHeader.TAG_DIRINDEXES);
    long[] sizes = header.has(RpmHeader.TAG_LONGFILESIZES)
        ? header.longs(RpmHeader.TAG_LONGFILESIZES) : header.longs(RpmHeader.TAG_FILESIZES);
    long[] modes = header.longs(RpmHeader.TAG_FILEMODES);
    String[] links = header.strings(RpmHeader.TAG_FILELINKTOS);
    if (basenames == null || dirnames == null || dirindexes == null || sizes == null || modes == null) {
      throw ctx.failure("stripped cpio payload (07070X) but the header lacks the file list tags", null);
    }
    int files = basenames.length;
    if (dirindexes.length != files || sizes.length != files || modes.length != files) {
      throw ctx.failure("stripped cpio payload: header file arrays disagree in length", null);
    }
    long[] linkKeys = linkKeys(header, files);
    Map<Long, Integer> remainingLinks = hardlinkCounts(linkKeys, modes);
    ctx.part(payloadPart);

    CpioHardLinks held = new CpioHardLinks(ctx);
    try {
      readEntries(payload, ctx, held, basenames, dirnames, dirindexes, sizes, modes, links, linkKeys, remainingLinks);
    } catch (IOException | RuntimeException e) {
      held.abandon(e);
      throw e;
    }
    held.finish();
  }

  private static void readEntries(InputStream payload, ReadContext ctx, CpioHardLinks held, String[] basenames,
      String[] dirnames, long[] dirindexes, long[] sizes, long[] modes, String[] links, long[] linkKeys,
      Map<Long, Integer> remainingLinks) throws IOException {
    int files = basenames.length;
    long position = 0;
    while (true) {
      int pad = (int) ((4 - position % 4) % 4);
      position += readFully(payload, pad).length;
      byte[] magic = readFully(payload, 6);
      String m = new String(magic, StandardCharsets.US_ASCII);
      if (m.equals("070701") || m.equals("070702")) {
        // Only the trailer is expected in newc form; hand the rest to commons-compress to check it.
        CpioArchiveInputStream trailer = new CpioArchiveInputStream(
            new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(magic), payload));
        CpioArchiveEntry e = trailer.getNextEntry();
        if (e != null) {
          throw ctx.failure("stripped cpio payload has a newc entry '" + e.getName() + "' before its trailer", null);
        }
        return;
      }
      if (!m.equals("07070X")) {
        throw ctx.failure("stripped cpio payload: bad entry magic '" + printable(m) + "'", null);
      }
      int fx = parseHex(readFully(payload, 8), ctx);
      position += 14;
      // The content is 4-byte aligned too: rpmbuild pads after the 14-byte header (seen in
      // rpm 4.18 output; 07070X + index, 2 NULs, then the data).
      int contentPad = (int) ((4 - position % 4) % 4);
      position += readFully(payload, contentPad).length;
      if (fx < 0 || fx >= files) {
        throw ctx.failure("stripped cpio entry refers to file " + fx + " of " + files, null);
      }
      long dirIndex = dirindexes[fx];
      if (dirIndex < 0 || dirIndex >= dirnames.length) {
        throw ctx.failure("stripped cpio entry " + fx + " has directory index " + dirIndex, null);
      }
      String name = memberName(dirnames[(int) dirIndex] + basenames[fx]);
      int type = (int) modes[fx] & S_IFMT;
      long size;
      if (type == S_IFREG) {
        Integer left = decrementLinks(remainingLinks, linkKeys, fx);
        if (left == null) {
          size = sizes[fx];
          ctx.file(name, size, payload);
        } else if (left > 0) {
          size = 0; // a hard link before the set's last: stored without content
          held.contentless(linkKeys[fx], name);
        } else {
          size = sizes[fx];
          ctx.file(name, size, payload);
          held.carried(linkKeys[fx], name);
        }
      } else if (type == S_IFLNK) {
        size = sizes[fx];
        if (size > 4096) {
          throw ctx.failure("stripped cpio symlink " + name + " has a " + size + "-byte target", null);
        }
        readFully(payload, (int) size);
        ctx.other(name, EntryType.SYMLINK, links != null && fx < links.length ? links[fx] : null);
      } else {
        size = 0;
        ctx.other(name, type == S_IFDIR ? EntryType.DIRECTORY : EntryType.OTHER, null);
      }
      position += size;
    }
  }

  /**
   * The name a newc payload would store for a header file path: the header's file list is
   * absolute by definition ({@code /lib/modules/...}) and rpm installs it under the root, so it is
   * made {@code ./lib/modules/...}, as rpmbuild names newc members; without this every entry of a
   * stripped payload would be flagged absolute by {@link EntryPath}. A {@code ..} in the header
   * path is still flagged.
   */
  static String memberName(String headerPath) {
    return headerPath.startsWith("/") ? "." + headerPath : headerPath;
  }

  /** (device, inode) of every file folded into one long, or null without those tags. */
  private static long[] linkKeys(RpmHeader header, int files) throws IOException {
    long[] inodes = header.longs(RpmHeader.TAG_FILEINODES);
    long[] devices = header.longs(RpmHeader.TAG_FILEDEVICES);
    if (inodes == null || devices == null || inodes.length != files || devices.length != files) {
      return null;
    }
    long[] keys = new long[files];
    for (int i = 0; i < files; i++) {
      keys[i] = devices[i] << 32 ^ inodes[i];
    }
    return keys;
  }

  /** key -> number of regular-file links, for sets of two or more. */
  private static Map<Long, Integer> hardlinkCounts(long[] keys, long[] modes) {
    Map<Long, Integer> counts = new HashMap<>();
    if (keys == null) {
      return counts;
    }
    for (int i = 0; i < modes.length; i++) {
      if (((int) modes[i] & S_IFMT) == S_IFREG) {
        counts.merge(keys[i], 1, Integer::sum);
      }
    }
    counts.values().removeIf(n -> n < 2);
    return counts;
  }

  /** Links of this file's set still to come after it, or null when it is not hard linked. */
  private static Integer decrementLinks(Map<Long, Integer> remaining, long[] keys, int fx) {
    if (remaining.isEmpty()) {
      return null;
    }
    Integer n = remaining.get(keys[fx]);
    if (n == null) {
      return null;
    }
    remaining.put(keys[fx], n - 1);
    return n - 1;
  }

  private static int parseHex(byte[] digits, ReadContext ctx) throws IOException {
    String s = new String(digits, StandardCharsets.US_ASCII);
    try {
      return (int) Long.parseLong(s, 16);
    } catch (NumberFormatException e) {
      throw ctx.failure("stripped cpio entry has a bad file index '" + printable(s) + "'", e);
    }
  }

  private static String printable(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("truncated stripped cpio payload");
    }
    return b;
  }
}
