package dev.btfscan.io.pkg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Streams the entries of an (already decompressed) tar archive; GNU and PAX long names included. */
final class TarReader {
  private TarReader() {}

  static void read(InputStream tarBytes, ReadContext ctx) throws IOException {
    RawNameTarInputStream tar = new RawNameTarInputStream(tarBytes);
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String name = tar.rawName(e);
      if (e.isSymbolicLink()) {
        ctx.other(name, EntryType.SYMLINK, e.getLinkName());
      } else if (e.isLink()) {
        ctx.other(name, EntryType.HARDLINK, e.getLinkName());
      } else if (e.isDirectory()) {
        ctx.other(name, EntryType.DIRECTORY, null);
      } else if (e.isFile()) {
        ctx.file(name, e.getSize(), tar);
      } else {
        ctx.other(name, EntryType.OTHER, null);
      }
    }
  }

  /**
   * A tar reader that also knows each member's name exactly as stored. commons-compress keeps a
   * name from the 100-byte header field as is, but drops the leading '/' of a GNU long name
   * ({@code ././@LongLink}) and of a PAX {@code path} record (TarArchiveEntry.setName normalises),
   * which would hide an absolute member name from {@link EntryPath}. So the long-name data and the
   * PAX header bytes are watched as commons-compress reads them, and {@code path} is taken from
   * them with the same precedence: local PAX path, global PAX path, GNU long name, header field.
   */
  static final class RawNameTarInputStream extends TarArchiveInputStream {
    /** PAX headers larger than this are not watched (commons-compress still applies them). */
    private static final int MAX_PAX_BYTES = 1 << 20;

    private int depth;
    private byte[] longName;
    private String localPath;
    private String globalPath;
    private TarArchiveEntry paxEntry;
    private final ByteArrayOutputStream pax = new ByteArrayOutputStream();

    RawNameTarInputStream(InputStream in) {
      super(in, StandardCharsets.UTF_8.name());
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
      // commons-compress calls this recursively for the entry after a long-name or PAX header
      if (depth == 0) {
        longName = null;
        localPath = null;
      }
      depth++;
      try {
        TarArchiveEntry e = super.getNextEntry();
        finishPax();
        return e;
      } finally {
        depth--;
      }
    }

    @Override
    protected byte[] getLongNameData() throws IOException {
      boolean name = getCurrentEntry() != null && getCurrentEntry().isGNULongNameEntry();
      byte[] data = super.getLongNameData();
      if (name && data != null) {
        longName = data;
      }
      return data;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      TarArchiveEntry current = getCurrentEntry();
      if (n > 0 && current != null && (current.isPaxHeader() || current.isGlobalPaxHeader())) {
        if (current != paxEntry) {
          finishPax();
          paxEntry = current;
        }
        if (pax.size() + n <= MAX_PAX_BYTES) {
          pax.write(buf, off, n);
        }
      }
      return n;
    }

    /** The member name as stored: what {@link TarArchiveEntry#getName()} would be without normalisation. */
    String rawName(TarArchiveEntry e) {
      if (localPath != null) {
        return localPath;
      }
      if (globalPath != null) {
        return globalPath;
      }
      if (longName != null) {
        return new String(longName, StandardCharsets.UTF_8);
      }
      return e.getName();
    }

    /** Takes the path record of the PAX header read last, if any. */
    private void finishPax() {
      if (paxEntry == null) {
        return;
      }
      String path = paxPath(pax.toByteArray());
      if (path != null && paxEntry.isGlobalPaxHeader()) {
        globalPath = path; // commons-compress merges a later global header into the earlier ones
      } else if (path != null) {
        localPath = path;
      }
      paxEntry = null;
      pax.reset();
    }

    /**
     * The value of the last {@code path} record of PAX header data ({@code "<len> key=value\n"}
     * records), null when there is none or it is empty; stops quietly at malformed data, which
     * commons-compress reports itself.
     */
    static String paxPath(byte[] data) {
      String path = null;
      int pos = 0;
      while (pos < data.length) {
        int space = pos;
        long length = 0;
        while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < data.length) {
          length = length * 10 + (data[space] - '0');
          space++;
        }
        if (space == pos || space >= data.length || data[space] != ' ' || length <= space - pos
            || pos + length > data.length || data[(int) (pos + length - 1)] != '\n') {
          break;
        }
        int end = (int) (pos + length - 1);
        String record = new String(data, space + 1, end - space - 1, StandardCharsets.UTF_8);
        if (record.startsWith("path=")) {
          String value = record.substring("path=".length());
          path = value.isEmpty() ? null : value;
        }
        pos += (int) length;
      }
      return path;
    }
  }
}
