package dev.btfscan.io.pkg;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One RPM header structure (signature or main): magic {@code 8e ad e8 01}, 4 reserved bytes,
 * BE u32 index count and data size, 16-byte index entries (tag, type, offset, count), data store.
 * Only the tags btf-scan needs are decoded, on demand; every offset is bounds-checked.
 */
final class RpmHeader {
  static final int TAG_PAYLOADFORMAT = 1124;
  static final int TAG_PAYLOADCOMPRESSOR = 1125;
  static final int TAG_FILESIZES = 1028;
  static final int TAG_FILEMODES = 1030;
  static final int TAG_FILELINKTOS = 1036;
  static final int TAG_FILEDEVICES = 1095;
  static final int TAG_FILEINODES = 1096;
  static final int TAG_DIRINDEXES = 1116;
  static final int TAG_BASENAMES = 1117;
  static final int TAG_DIRNAMES = 1118;
  static final int TAG_LONGFILESIZES = 5008;

  private static final int TYPE_INT16 = 3;
  private static final int TYPE_INT32 = 4;
  private static final int TYPE_INT64 = 5;
  private static final int TYPE_STRING = 6;
  private static final int TYPE_STRING_ARRAY = 8;
  private static final int TYPE_I18NSTRING = 9;

  /** rpm's own sanity limits (hdrchkTags / hdrchkData). */
  private static final int MAX_INDEX_ENTRIES = 0xffff;
  private static final int MAX_DATA_BYTES = 0x0fffffff;

  private final ByteBuffer store;
  private final Map<Integer, int[]> index; // tag -> {type, offset, count}
  private final int length;

  private RpmHeader(ByteBuffer store, Map<Integer, int[]> index, int length) {
    this.store = store;
    this.index = index;
    this.length = length;
  }

  /** Reads one header structure from {@code in}; {@code what} names it in messages. */
  static RpmHeader read(InputStream in, String what) throws IOException {
    long[] sizes = intro(in, what);
    long nindex = sizes[0];
    long hsize = sizes[1];
    ByteBuffer entries = ByteBuffer.wrap(readFully(in, (int) nindex * 16, what + " header index"));
    ByteBuffer store = ByteBuffer.wrap(readFully(in, (int) hsize, what + " header data"));
    Map<Integer, int[]> index = new HashMap<>();
    for (int i = 0; i < nindex; i++) {
      int tag = entries.getInt(i * 16);
      int type = entries.getInt(i * 16 + 4);
      int offset = entries.getInt(i * 16 + 8);
      int count = entries.getInt(i * 16 + 12);
      if (offset < 0 || offset > hsize || count < 0) {
        throw new IOException(what + " header tag " + tag + " points outside the header (offset " + offset + ")");
      }
      index.putIfAbsent(tag, new int[] {type, offset, count});
    }
    return new RpmHeader(store, index, (int) (16 + nindex * 16 + hsize));
  }

  /**
   * Skips one header structure without reading its index or data, checked as {@link #read} checks
   * its intro; returns the bytes it occupied in the file.
   */
  static int skip(InputStream in, String what) throws IOException {
    long[] sizes = intro(in, what);
    long rest = sizes[0] * 16 + sizes[1];
    in.skipNBytes(rest);
    return (int) (16 + rest);
  }

  /** The index entry count and data size of the header structure whose intro {@code in} starts with. */
  private static long[] intro(InputStream in, String what) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(readFully(in, 16, what + " header intro"));
    if ((b.getInt(0) >>> 8) != 0x8eade8) {
      throw new IOException(String.format("bad %s header magic %08x", what, b.getInt(0)));
    }
    long nindex = Integer.toUnsignedLong(b.getInt(8));
    long hsize = Integer.toUnsignedLong(b.getInt(12));
    if (nindex > MAX_INDEX_ENTRIES || hsize > MAX_DATA_BYTES) {
      throw new IOException(what + " header too large: " + nindex + " entries, " + hsize + " bytes");
    }
    return new long[] {nindex, hsize};
  }

  /** Bytes the structure occupied in the file. */
  int length() {
    return length;
  }

  boolean has(int tag) {
    return index.containsKey(tag);
  }

  /** A STRING tag, or {@code fallback} when absent. */
  String string(int tag, String fallback) throws IOException {
    int[] e = index.get(tag);
    if (e == null) {
      return fallback;
    }
    if (e[0] != TYPE_STRING && e[0] != TYPE_I18NSTRING && e[0] != TYPE_STRING_ARRAY) {
      throw new IOException("rpm tag " + tag + " has type " + e[0] + ", expected a string");
    }
    return cString(e[1], tag);
  }

  /** A STRING_ARRAY tag, or null when absent. */
  String[] strings(int tag) throws IOException {
    int[] e = index.get(tag);
    if (e == null) {
      return null;
    }
    if (e[0] != TYPE_STRING_ARRAY) {
      throw new IOException("rpm tag " + tag + " has type " + e[0] + ", expected a string array");
    }
    // Each string takes at least its NUL: a count the data cannot hold is a lie, not an allocation.
    if (e[2] > store.capacity() - e[1]) {
      throw new IOException("rpm tag " + tag + " declares " + e[2] + " strings but only " + (store.capacity() - e[1])
          + " header data bytes follow its offset");
    }
    String[] out = new String[e[2]];
    int at = e[1];
    for (int i = 0; i < out.length; i++) {
      out[i] = cString(at, tag);
      at += out[i].getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return out;
  }

  /** An INT16/INT32 (as unsigned) or INT64 array tag, or null when absent. */
  long[] longs(int tag) throws IOException {
    int[] e = index.get(tag);
    if (e == null) {
      return null;
    }
    int width = e[0] == TYPE_INT16 ? 2 : e[0] == TYPE_INT32 ? 4 : e[0] == TYPE_INT64 ? 8 : 0;
    if (width == 0) {
      throw new IOException("rpm tag " + tag + " has type " + e[0] + ", expected an integer array");
    }
    if ((long) e[1] + (long) e[2] * width > store.capacity()) {
      throw new IOException("rpm tag " + tag + " array runs past the header data");
    }
    long[] out = new long[e[2]];
    for (int i = 0; i < out.length; i++) {
      int at = e[1] + i * width;
      out[i] = width == 2 ? Short.toUnsignedLong(store.getShort(at))
          : width == 4 ? Integer.toUnsignedLong(store.getInt(at)) : store.getLong(at);
    }
    return out;
  }

  private String cString(int offset, int tag) throws IOException {
    int end = offset;
    while (end < store.capacity() && store.get(end) != 0) {
      end++;
    }
    if (end >= store.capacity()) {
      throw new IOException("rpm tag " + tag + " string is not terminated inside the header");
    }
    byte[] bytes = new byte[end - offset];
    store.get(offset, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Reads exactly n bytes; the buffer grows as bytes arrive, so a lying size cannot over-allocate. */
  static byte[] readFully(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("truncated rpm: " + what + " (expected " + n + " bytes, got " + b.length + ")");
    }
    return b;
  }

  /** For tests and error messages. */
  List<Integer> tags() {
    return new ArrayList<>(index.keySet());
  }
}
