package dev.btfscan.io.pkg;

import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import dev.btfscan.io.util.BoundedInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;

/**
 * Streams a .deb: an ar archive whose {@code data.tar[.gz|.xz|.zst|.bz2]} member holds the files.
 * The member's compression is taken from its magic, not its suffix. control.tar is skipped.
 */
final class DebReader {
  private DebReader() {}

  /** A member's name as ar stores it, without the '/' GNU ar ends names with. */
  static String memberName(ArArchiveEntry member) {
    String name = member.getName();
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  /** Whether the member so named holds the package's files: {@code data.tar[.ext]}. */
  static boolean isPayload(String name) {
    return name.startsWith("data.tar");
  }

  static void read(InputStream in, ReadContext ctx, DecompressionLimits limits) throws IOException {
    ArArchiveInputStream ar = new ArArchiveInputStream(in);
    boolean sawData = false;
    ArArchiveEntry member;
    while ((member = ar.getNextEntry()) != null) {
      String name = memberName(member);
      if (!isPayload(name)) {
        continue;
      }
      if (sawData) {
        throw ctx.failure("deb has a second data member " + name, null);
      }
      sawData = true;
      ctx.part(name);
      InputStream raw = new BoundedInputStream(ar, member.getLength(), true, "deb member " + name);
      Decompressors.Opened opened = Decompressors.detectAndOpen(raw,
          limits.withDescription(name + " of " + ctx.packageName()));
      // Closing the decoder frees native zstd memory now; the bounded member stream shields the ar.
      try (BufferedInputStream tar = new BufferedInputStream(opened.stream(), 1 << 16)) {
        if (!PackageFormat.looksLikeTar(Decompressors.peek(tar, PackageFormat.TAR_HEAD_LENGTH))) {
          throw ctx.failure("deb member " + name + " (" + opened.compression().displayName() + ") is not a tar archive",
              null);
        }
        TarReader.read(tar, ctx, limits);
      }
      ctx.part(null);
    }
    if (!sawData) {
      throw ctx.failure("deb has no data.tar member", null);
    }
  }
}
