package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Streams the entries of an (already decompressed) tar archive; GNU and PAX long names included. */
final class TarReader {
  private TarReader() {}

  static void read(InputStream tarBytes, ReadContext ctx) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, StandardCharsets.UTF_8.name());
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      if (e.isSymbolicLink()) {
        ctx.other(e.getName(), EntryType.SYMLINK, e.getLinkName());
      } else if (e.isLink()) {
        ctx.other(e.getName(), EntryType.HARDLINK, e.getLinkName());
      } else if (e.isDirectory()) {
        ctx.other(e.getName(), EntryType.DIRECTORY, null);
      } else if (e.isFile()) {
        ctx.file(e.getName(), e.getSize(), tar);
      } else {
        ctx.other(e.getName(), EntryType.OTHER, null);
      }
    }
  }
}
