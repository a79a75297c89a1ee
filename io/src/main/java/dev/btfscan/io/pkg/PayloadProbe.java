package dev.btfscan.io.pkg;

import dev.btfscan.io.compress.Decompressors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;

/**
 * Whether a local package's payload decodes on every core ({@link Decompressors#decodesOnEveryCore}),
 * told from the few bytes where the payload starts, without decoding it: a deb's {@code data.tar*}
 * member, an RPM's payload after its headers, a compressed tarball's first bytes. What the scan
 * sizes the DirectRunner's pool by: such packages are read one per {@link
 * dev.btfscan.io.compress.ParallelDecodeSlots slot}, so a pool thread for each of them would idle.
 *
 * <p>A guess for sizing only, never for reading: anything it cannot read (not a regular file, a
 * damaged container, an I/O error) is "no", and the reader still decides everything by itself.
 */
public final class PayloadProbe {
  private PayloadProbe() {}

  /** Whether {@code file}'s payload decodes on every core; false for anything that is not plainly so. */
  public static boolean decodesOnEveryCore(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return false; // a fifo would block here as it would block the reader
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        return decodesOnEveryCore(in);
      }
    } catch (IOException | RuntimeException e) {
      return false; // the archive libraries throw unchecked exceptions on some damage too
    }
  }

  /**
   * The same for the package {@code in} holds (a stream that supports mark), throwing what reading
   * it throws.
   */
  static boolean decodesOnEveryCore(InputStream in) throws IOException {
    byte[] head = payloadHead(in);
    return head != null && Decompressors.decodesOnEveryCore(head);
  }

  /** The first bytes of the payload of the package {@code in} holds, or null when it has none. */
  private static byte[] payloadHead(InputStream in) throws IOException {
    in.mark(PackageFormat.AR_MAGIC.length);
    byte[] magic = in.readNBytes(PackageFormat.AR_MAGIC.length);
    in.reset();
    PackageFormat container = PackageFormat.detectContainer(magic);
    if (container == PackageFormat.DEB) {
      return debPayloadHead(in);
    }
    if (container == PackageFormat.RPM) {
      // skipped as RpmReader reads them: lead, signature header padded to 8 bytes, main header
      in.skipNBytes(RpmReader.LEAD_LENGTH);
      int signature = RpmHeader.skip(in, "signature");
      in.skipNBytes(RpmReader.signaturePadding(signature));
      RpmHeader.skip(in, "main");
    }
    return in.readNBytes(Decompressors.PARALLEL_PROBE_BYTES); // a compressed tarball: the file itself
  }

  /** The first bytes of a deb's data.tar member (as DebReader finds it), or null. */
  private static byte[] debPayloadHead(InputStream in) throws IOException {
    ArArchiveInputStream ar = new ArArchiveInputStream(in);
    ArArchiveEntry member;
    while ((member = ar.getNextEntry()) != null) {
      if (DebReader.isPayload(DebReader.memberName(member))) {
        return ar.readNBytes(Decompressors.PARALLEL_PROBE_BYTES);
      }
    }
    return null;
  }
}
