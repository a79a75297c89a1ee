package dev.btfscan.kernel;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfHeader;
import dev.btfscan.btf.BtfParser;
import java.util.Optional;

/**
 * Finds the vmlinux BTF blob in a raw kernel image ({@code Image}), which has no section table to
 * say where {@code .BTF} is.
 *
 * <p>A magic hit means nothing by itself: the two bytes occur by chance about once per 64 KiB. A
 * candidate is accepted only when the full header passes the kernel's checks
 * ({@link BtfHeader#parse}), the type section walks cleanly record by record ({@link BtfParser}),
 * and the string section looks like a base blob's (it starts and ends with NUL). Of the accepted
 * candidates the largest wins: a small valid-looking blob embedded elsewhere must not shadow the
 * kernel's own BTF. Both byte orders are tried, since a big-endian kernel carries big-endian BTF.
 *
 * <p>Work is bounded so that a crafted image cannot turn the search into a hang: real kernels give
 * one or two candidates that reach the header check (measured: 53 MB Debian vmlinux, one per byte
 * order), while an image stuffed with headers could make each candidate walk a type section
 * covering the rest of the file. So at most {@link #MAX_CANDIDATES} headers are checked and the
 * type sections walked may total at most {@link #WALK_BUDGET_FACTOR} times the image size; past
 * either bound the search fails rather than guessing.
 */
final class BtfLocator {
  static final int MAX_CANDIDATES = 4096;
  static final int WALK_BUDGET_FACTOR = 4;

  private BtfLocator() {}

  /** Where a blob starts and how long it is. */
  record Located(int offset, int length) {}

  static Optional<Located> largest(byte[] image) throws KernelImageException {
    Located best = null;
    int candidates = 0;
    long walkBudget = (long) WALK_BUDGET_FACTOR * image.length;
    for (int i = 0; i + 4 <= image.length; i++) {
      int b0 = image[i] & 0xff;
      int b1 = image[i + 1] & 0xff;
      boolean magic = (b0 == 0x9f && b1 == 0xeb) || (b0 == 0xeb && b1 == 0x9f);
      // Version 1, flags 0: a cheap filter before the exception-throwing parse.
      if (!magic || image[i + 2] != 1 || image[i + 3] != 0) {
        continue;
      }
      if (++candidates > MAX_CANDIDATES) {
        throw new KernelImageException("BTF search gave up: more than " + MAX_CANDIDATES
            + " candidate BTF headers (a real kernel has a handful; crafted image?)");
      }
      BtfHeader h;
      try {
        h = BtfHeader.parse(image, i, image.length - i);
      } catch (BtfFormatException e) {
        continue;
      }
      walkBudget -= h.typeLen();
      if (walkBudget < 0) {
        throw new KernelImageException("BTF search gave up at " + Hex.of(i) + ": candidate type sections add up"
            + " to more than " + WALK_BUDGET_FACTOR + " times the image size (crafted image?)");
      }
      Located c = validate(image, i);
      if (c != null && (best == null || c.length() > best.length())) {
        best = c;
      }
      if (c != null) {
        // Anything starting inside an accepted blob is smaller than it: skip its bytes.
        i = c.offset() + c.length() - 1;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The blob at {@code offset} if it is acceptable as a standalone (base) BTF, else null. */
  static Located validate(byte[] image, int offset) {
    Btf btf;
    try {
      btf = BtfParser.parse(image, offset, image.length - offset, null);
    } catch (BtfFormatException e) {
      return null;
    }
    int strLen = btf.stringsLength();
    if (strLen == 0 || btf.stringByte(0) != 0 || btf.stringByte(strLen - 1) != 0) {
      return null;
    }
    return new Located(offset, (int) btf.header().blobSize());
  }
}
