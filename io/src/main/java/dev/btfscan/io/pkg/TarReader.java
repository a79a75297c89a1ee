package dev.btfscan.io.pkg;

import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import dev.btfscan.io.util.BoundedInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams the entries of an (already decompressed) tar archive; GNU and PAX long names included.
 *
 * <p>A Gentoo binary package (GLEP 78 gpkg: {@code <name>/gpkg-1} first, then
 * {@code <name>/metadata.tar.<comp>} and {@code <name>/image.tar.<comp>}) keeps its files in the
 * inner image tarball, under {@code image/}: that tarball's entries are read, streaming, as the
 * package's own, with the {@code image/} prefix dropped (so {@code lib/modules/...} as
 * installed). One level only: an image inside the image is an ordinary file.
 */
final class TarReader {
  /** GLEP 78's format marker, the first member. */
  private static final Pattern GPKG_MARKER = Pattern.compile("[^/]+/gpkg-1");
  private static final Pattern GPKG_IMAGE = Pattern.compile("[^/]+/image\\.tar(?:\\.[a-z0-9]+)?");
  private static final String IMAGE_PREFIX = "image/";

  private TarReader() {}

  static void read(InputStream tarBytes, ReadContext ctx, DecompressionLimits limits) throws IOException {
    read(tarBytes, ctx, limits, false);
  }

  private static void read(InputStream tarBytes, ReadContext ctx, DecompressionLimits limits, boolean gpkgImage)
      throws IOException {
    RawNameTarInputStream tar = new RawNameTarInputStream(tarBytes);
    TarArchiveEntry e;
    boolean gpkg = false;
    while ((e = tar.getNextEntry()) != null) {
      String name = tar.rawName(e);
      if (gpkgImage && name.startsWith(IMAGE_PREFIX) && name.length() > IMAGE_PREFIX.length()) {
        name = name.substring(IMAGE_PREFIX.length());
      }
      if (!gpkgImage && e.isFile() && GPKG_MARKER.matcher(name).matches()) {
        gpkg = true;
      }
      if (gpkg && e.isFile() && GPKG_IMAGE.matcher(name).matches()) {
        readGpkgImage(name, e.getSize(), tar, ctx, limits);
        continue;
      }
      if (e.isSymbolicLink()) {
        ctx.other(name, EntryType.SYMLINK, e.getLinkName());
      } else if (e.isLink()) {
        ctx.other(name, EntryType.HARDLINK, e.getLinkName());
      } else if (e.isDirectory()) {
        ctx.other(name, EntryType.DIRECTORY, null);
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        // before isFile(), which is true of every type commons-compress does not single out
        ctx.other(name, EntryType.OTHER, null);
      } else if (e.isFile()) {
        ctx.file(name, e.getSize(), tar);
      } else {
        ctx.other(name, EntryType.OTHER, null);
      }
    }
  }

  private static void readGpkgImage(String name, long size, InputStream tar, ReadContext ctx, DecompressionLimits limits)
      throws IOException {
    String outer = ctx.part();
    BoundedInputStream member = new BoundedInputStream(tar, size, true, "entry " + name);
    ctx.part(name);
    Decompressors.Opened image = Decompressors.detectAndOpen(member, limits.withDescription(name + " of " + ctx.packageName()));
    try (InputStream in = new BufferedInputStream(image.stream(), 1 << 16)) {
      read(in, ctx, limits, true);
    }
    member.drain();
    ctx.part(outer);
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
