package dev.btfscan.io.pkg;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

/**
 * Streams an RPM: 96-byte lead, signature header padded to 8 bytes, main header, then the payload
 * (cpio, compressed). The payload's compression is detected from its magic; PAYLOADCOMPRESSOR is
 * only used in messages. Two cpio flavours: newc ({@code 070701}/{@code 070702}) read with
 * commons-compress, and rpm >= 4.12's stripped format ({@code 07070X}) whose names and sizes live
 * in the main header, see {@link StrippedCpioReader}.
 */
final class RpmReader {
  static final int LEAD_LENGTH = 96;
  private static final int SYMLINK_TARGET_MAX = 4096;

  private RpmReader() {}

  /** The bytes after a signature header of {@code length} bytes that align the main header to 8. */
  static int signaturePadding(int length) {
    return (8 - length % 8) % 8;
  }

  static void read(InputStream in, ReadContext ctx, DecompressionLimits limits) throws IOException {
    RpmHeader.readFully(in, LEAD_LENGTH, "lead");
    RpmHeader signature = RpmHeader.read(in, "signature");
    RpmHeader.readFully(in, signaturePadding(signature.length()), "signature padding");
    RpmHeader header = RpmHeader.read(in, "main");

    String payloadFormat = header.string(RpmHeader.TAG_PAYLOADFORMAT, "cpio");
    if (!payloadFormat.equals("cpio")) {
      throw ctx.failure("rpm payload format '" + payloadFormat + "' is not supported (only cpio)", null);
    }
    String declared = header.string(RpmHeader.TAG_PAYLOADCOMPRESSOR, "gzip");
    ctx.part("payload");
    Decompressors.Opened opened = Decompressors.detectAndOpen(in,
        limits.withDescription("payload of " + ctx.packageName()));
    if (opened.compression() != Compression.NONE) {
      ctx.part(opened.compression().displayName() + " payload");
    }
    try (BufferedInputStream payload = new BufferedInputStream(opened.stream(), 1 << 16)) {
      readCpio(payload, header, declared, opened, ctx);
    }
  }

  private static void readCpio(BufferedInputStream payload, RpmHeader header, String declared,
      Decompressors.Opened opened, ReadContext ctx) throws IOException {
    byte[] magic = Decompressors.peek(payload, 6);
    String cpioMagic = new String(magic, StandardCharsets.US_ASCII);
    switch (cpioMagic) {
      case "070701":
      case "070702":
        readNewc(payload, ctx);
        break;
      case "07070X":
        StrippedCpioReader.read(payload, header, ctx);
        break;
      default:
        throw ctx.failure("rpm payload (declared " + declared + ", found " + opened.compression().displayName()
            + ") does not start with a cpio header", null);
    }
  }

  private static void readNewc(InputStream payload, ReadContext ctx) throws IOException {
    CpioArchiveInputStream cpio = new CpioArchiveInputStream(payload, StandardCharsets.UTF_8.name());
    CpioHardLinks links = new CpioHardLinks(ctx);
    try {
      readNewc(cpio, links, ctx);
    } catch (IOException | RuntimeException e) {
      links.abandon(e);
      throw e;
    }
    links.finish();
  }

  private static void readNewc(CpioArchiveInputStream cpio, CpioHardLinks links, ReadContext ctx) throws IOException {
    CpioArchiveEntry e;
    while ((e = cpio.getNextEntry()) != null) {
      if (e.isRegularFile() && e.getNumberOfLinks() > 1) {
        // a hard-link set: its content rides on one link (the last), the others are empty
        List<Long> set = List.of(e.getDeviceMaj(), e.getDeviceMin(), e.getInode());
        if (e.getSize() == 0) {
          links.contentless(set, e.getName());
        } else {
          ctx.file(e.getName(), e.getSize(), cpio);
          links.carried(set, e.getName());
        }
      } else if (e.isRegularFile()) {
        ctx.file(e.getName(), e.getSize(), cpio);
      } else if (e.isSymbolicLink()) {
        // newc stores the link target as the entry's content
        byte[] target = cpio.readNBytes((int) Math.min(e.getSize(), SYMLINK_TARGET_MAX));
        ctx.other(e.getName(), EntryType.SYMLINK, new String(target, StandardCharsets.UTF_8));
      } else if (e.isDirectory()) {
        ctx.other(e.getName(), EntryType.DIRECTORY, null);
      } else {
        ctx.other(e.getName(), EntryType.OTHER, null);
      }
    }
  }
}
