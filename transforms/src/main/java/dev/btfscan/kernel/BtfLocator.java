package dev.btfscan.kernel;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import java.util.Optional;

/**
 * Finds the vmlinux BTF blob in a raw kernel image ({@code Image}), which has no section table to
 * say where {@code .BTF} is.
 *
 * <p>The two magic bytes occur by chance about once per 64 KiB in any binary (some 600 times in a
 * 40 MB image), so a magic hit means nothing by itself. A candidate is accepted only when the full
 * header passes the kernel's checks ({@code BtfHeader.parse} via {@link BtfParser}), the type
 * section walks cleanly record by record, and the string section looks like a base blob's (it starts
 * and ends with NUL). Of the accepted candidates the largest wins: a small valid-looking blob
 * embedded elsewhere must not shadow the kernel's own BTF. Both byte orders are tried, since a
 * big-endian kernel carries big-endian BTF.
 */
final class BtfLocator {
  private BtfLocator() {}

  /** Where a blob starts and how long it is. */
  record Located(int offset, int length) {}

  static Optional<Located> largest(byte[] image) {
    Located best = null;
    for (int i = 0; i + 4 <= image.length; i++) {
      int b0 = image[i] & 0xff;
      int b1 = image[i + 1] & 0xff;
      boolean magic = (b0 == 0x9f && b1 == 0xeb) || (b0 == 0xeb && b1 == 0x9f);
      // Version 1, flags 0: a cheap filter before the exception-throwing parse.
      if (!magic || image[i + 2] != 1 || image[i + 3] != 0) {
        continue;
      }
      Located c = validate(image, i);
      if (c != null && (best == null || c.length() > best.length())) {
        best = c;
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
