package dev.btfscan.io.testing;

import com.github.luben.zstd.ZstdOutputStream;
import dev.btfscan.io.compress.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Builds small packages in memory for tests: tar, deb, rpm (newc and stripped cpio). */
public final class TestPackages {
  private TestPackages() {}

  /**
   * One entry to write: a file (content), a directory (content null, no link) or a symlink. Files
   * with the same non-zero inode are one hard-link set (cpio formats only): the content is written
   * with the set's last entry, as cpio and rpm write it.
   */
  public static final class Entry {
    final String name;
    final byte[] content;
    final String symlinkTarget;
    final int inode;

    private Entry(String name, byte[] content, String symlinkTarget) {
      this(name, content, symlinkTarget, 0);
    }

    private Entry(String name, byte[] content, String symlinkTarget, int inode) {
      this.name = name;
      this.content = content;
      this.symlinkTarget = symlinkTarget;
      this.inode = inode;
    }

    /** A link of hard-link set {@code inode} (&gt; 0) whose content is {@code content}. */
    public static Entry hardLinked(String name, String content, int inode) {
      return new Entry(name, content.getBytes(StandardCharsets.UTF_8), null, inode);
    }

    public static Entry file(String name, String content) {
      return new Entry(name, content.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Entry file(String name, byte[] content) {
      return new Entry(name, content, null);
    }

    public static Entry dir(String name) {
      return new Entry(name, null, null);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(name, null, target);
    }

    boolean isDir() {
      return content == null && symlinkTarget == null;
    }
  }

  public static byte[] compress(byte[] data, Compression compression) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = compressor(bytes, compression)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static OutputStream compressor(OutputStream out, Compression compression) throws IOException {
    switch (compression) {
      case NONE:
        return out;
      case GZIP:
        return new GzipCompressorOutputStream(out);
      case BZIP2:
        return new BZip2CompressorOutputStream(out);
      case XZ:
        return new XZOutputStream(out, new LZMA2Options(1));
      case ZSTD:
        return new ZstdOutputStream(out);
      default:
        throw new IllegalArgumentException("no test writer for " + compression);
    }
  }

  public static byte[] tar(List<Entry> entries, Compression compression) throws IOException {
    return tar(entries, compression, TarArchiveOutputStream.LONGFILE_POSIX);
  }

  /** A tar whose long names are written as {@code longFileMode} says (PAX path or GNU ././@LongLink). */
  public static byte[] tar(List<Entry> entries, Compression compression, int longFileMode) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(longFileMode);
      for (Entry e : entries) {
        // Names are written as given (preserveAbsolutePath), so tests can build hostile /abs names.
        TarArchiveEntry t;
        if (e.symlinkTarget != null) {
          t = new TarArchiveEntry(e.name, TarConstants.LF_SYMLINK, true);
          t.setLinkName(e.symlinkTarget);
        } else if (e.isDir()) {
          t = new TarArchiveEntry(e.name.endsWith("/") ? e.name : e.name + "/", true);
        } else {
          t = new TarArchiveEntry(e.name, true);
          t.setSize(e.content.length);
        }
        tar.putArchiveEntry(t);
        if (e.content != null) {
          tar.write(e.content);
        }
        tar.closeArchiveEntry();
      }
    }
    return compress(bytes.toByteArray(), compression);
  }

  public static byte[] deb(List<Entry> entries, Compression compression) throws IOException {
    String suffix = compression == Compression.NONE ? "" : "." + extension(compression);
    byte[] control = tar(List.of(Entry.file("./control", "Package: demo\n")), Compression.GZIP);
    byte[] data = tar(entries, compression);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(bytes)) {
      addAr(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      addAr(ar, "control.tar.gz", control);
      addAr(ar, "data.tar" + suffix, data);
    }
    return bytes.toByteArray();
  }

  private static void addAr(ArArchiveOutputStream ar, String name, byte[] content) throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, content.length));
    ar.write(content);
    ar.closeArchiveEntry();
  }

  private static String extension(Compression c) {
    switch (c) {
      case GZIP:
        return "gz";
      case BZIP2:
        return "bz2";
      case XZ:
        return "xz";
      case ZSTD:
        return "zst";
      default:
        return c.displayName();
    }
  }

  /**
   * An RPM with a newc cpio payload (names "./path" as rpmbuild writes them; a name starting with
   * '/' is written as given, as a hostile package would).
   */
  public static byte[] rpm(List<Entry> entries, Compression compression) throws IOException {
    ByteArrayOutputStream cpioBytes = new ByteArrayOutputStream();
    try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(cpioBytes, CpioConstants.FORMAT_NEW)) {
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.name.startsWith("/") ? e.name : "./" + e.name);
        byte[] content = e.content != null ? e.content
            : e.symlinkTarget != null ? e.symlinkTarget.getBytes(StandardCharsets.UTF_8) : new byte[0];
        c.setMode(e.symlinkTarget != null ? CpioConstants.C_ISLNK | 0777 : e.isDir() ? CpioConstants.C_ISDIR | 0755
            : CpioConstants.C_ISREG | 0644);
        c.setInode(e.inode == 0 ? 1000 + i : e.inode);
        c.setNumberOfLinks(e.inode == 0 ? 1 : links(entries, e.inode));
        if (e.inode != 0 && !lastOfSet(entries, i)) {
          content = new byte[0];
        }
        c.setSize(content.length);
        cpio.putArchiveEntry(c);
        cpio.write(content);
        cpio.closeArchiveEntry();
      }
    }
    RpmHeaderWriter main = new RpmHeaderWriter();
    main.string(1124, "cpio");
    if (compression != Compression.GZIP) {
      main.string(1125, compression == Compression.NONE ? "identity" : compression.displayName());
    }
    return rpmFile(main, compress(cpioBytes.toByteArray(), compression));
  }

  /** An RPM with rpm 4.12's stripped cpio payload (07070X) and the file list in the header. */
  public static byte[] rpmStripped(List<Entry> entries, Compression compression) throws IOException {
    List<String> dirs = new ArrayList<>();
    int n = entries.size();
    String[] base = new String[n];
    int[] dirIndex = new int[n];
    long[] sizes = new long[n];
    int[] modes = new int[n];
    String[] links = new String[n];
    long[] inodes = new long[n];
    long[] devices = new long[n];
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      String full = "/" + e.name;
      int slash = full.lastIndexOf('/');
      String dir = full.substring(0, slash + 1);
      if (!dirs.contains(dir)) {
        dirs.add(dir);
      }
      dirIndex[i] = dirs.indexOf(dir);
      base[i] = full.substring(slash + 1);
      byte[] content = e.content != null ? e.content
          : e.symlinkTarget != null ? e.symlinkTarget.getBytes(StandardCharsets.UTF_8) : new byte[0];
      sizes[i] = e.isDir() ? 0 : content.length;
      modes[i] = e.symlinkTarget != null ? 0120777 : e.isDir() ? 0040755 : 0100644;
      links[i] = e.symlinkTarget == null ? "" : e.symlinkTarget;
      inodes[i] = e.inode == 0 ? 1000 + i : e.inode;
      devices[i] = 1;
      pad(payload, 4);
      payload.write(String.format("07070X%08x", i).getBytes(StandardCharsets.US_ASCII));
      pad(payload, 4); // rpmbuild aligns the content as well
      if (!e.isDir() && (e.inode == 0 || lastOfSet(entries, i))) {
        payload.write(content);
      }
    }
    pad(payload, 4);
    // newc trailer, as rpm writes it after stripped entries
    String trailer = "070701" + "00000000".repeat(4) + "00000001" + "00000000".repeat(6) + "0000000b" + "00000000";
    payload.write(trailer.getBytes(StandardCharsets.US_ASCII));
    payload.write("TRAILER!!!\0".getBytes(StandardCharsets.US_ASCII));
    pad(payload, 4);

    RpmHeaderWriter main = new RpmHeaderWriter();
    main.int32s(1028, new long[n]); // FILESIZES stay 0 when LONGFILESIZES is used
    main.int16s(1030, modes);
    main.stringArray(1036, links);
    main.int32s(1116, toLongs(dirIndex));
    main.stringArray(1117, base);
    main.stringArray(1118, dirs.toArray(new String[0]));
    main.string(1124, "cpio");
    main.string(1125, compression.displayName());
    main.int64s(5008, sizes);
    main.int32s(1095, devices);
    main.int32s(1096, inodes);
    return rpmFile(main, compress(payload.toByteArray(), compression));
  }

  private static int links(List<Entry> entries, int inode) {
    return (int) entries.stream().filter(e -> e.inode == inode).count();
  }

  private static boolean lastOfSet(List<Entry> entries, int i) {
    for (int j = i + 1; j < entries.size(); j++) {
      if (entries.get(j).inode == entries.get(i).inode) {
        return false;
      }
    }
    return true;
  }

  private static long[] toLongs(int[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static void pad(ByteArrayOutputStream out, int align) {
    while (out.size() % align != 0) {
      out.write(0);
    }
  }

  private static byte[] rpmFile(RpmHeaderWriter main, byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] lead = new byte[96];
    lead[0] = (byte) 0xed;
    lead[1] = (byte) 0xab;
    lead[2] = (byte) 0xee;
    lead[3] = (byte) 0xdb;
    lead[4] = 3;
    byte[] name = "demo-1.0-1".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, lead, 10, name.length);
    lead[79] = 5; // signature type: header-style
    out.write(lead);
    RpmHeaderWriter signature = new RpmHeaderWriter();
    signature.int32s(1000, new long[] {payload.length}); // 36 bytes: exercises the 8-byte padding
    byte[] sig = signature.toBytes();
    out.write(sig);
    pad(out, 8);
    out.write(main.toBytes());
    out.write(payload);
    return out.toByteArray();
  }

  /** Writes an RPM header structure; tags must be added in ascending order. */
  static final class RpmHeaderWriter {
    private final ByteArrayOutputStream store = new ByteArrayOutputStream();
    private final List<int[]> index = new ArrayList<>();

    void string(int tag, String value) {
      add(tag, 6, 1, 1, (value + "\0").getBytes(StandardCharsets.UTF_8));
    }

    void stringArray(int tag, String[] values) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (String v : values) {
        b.writeBytes((v + "\0").getBytes(StandardCharsets.UTF_8));
      }
      add(tag, 8, values.length, 1, b.toByteArray());
    }

    void int16s(int tag, int[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 2);
      for (int v : values) {
        b.putShort((short) v);
      }
      add(tag, 3, values.length, 2, b.array());
    }

    void int32s(int tag, long[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4);
      for (long v : values) {
        b.putInt((int) v);
      }
      add(tag, 4, values.length, 4, b.array());
    }

    void int64s(int tag, long[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 8);
      for (long v : values) {
        b.putLong(v);
      }
      add(tag, 5, values.length, 8, b.array());
    }

    private void add(int tag, int type, int count, int align, byte[] data) {
      while (store.size() % align != 0) {
        store.write(0);
      }
      index.add(new int[] {tag, type, store.size(), count});
      store.writeBytes(data);
    }

    byte[] toBytes() {
      ByteBuffer b = ByteBuffer.allocate(16 + index.size() * 16 + store.size());
      b.putInt(0x8eade801).putInt(0).putInt(index.size()).putInt(store.size());
      for (int[] e : index) {
        b.putInt(e[0]).putInt(e[1]).putInt(e[2]).putInt(e[3]);
      }
      b.put(store.toByteArray());
      return b.array();
    }
  }
}
