package dev.btfscan.io.compress;

/**
 * The layout of a whole .xz file in memory (streams, stream padding, blocks, LZMA2 chunks), read
 * from its headers alone, for deciding whether a native decode of it may stand in for the Java one
 * ({@link Decompressors}).
 *
 * <p>Besides the total decoded size it bounds the output/input ratio {@link LimitedInputStream} can
 * see. That stream checks {@code produced / consumed} after each read; the Java decoders (both
 * {@link ParallelXzInputStream} and {@code XZInputStream}) read an LZMA chunk's compressed bytes
 * whole before producing any of its output, and an uncompressed chunk's bytes as they are copied
 * out. So once {@code P} bytes were produced, at least the chunk holding byte {@code P - 1} has been
 * read up to its end (LZMA) or up to that byte (uncompressed), whatever the buffering; the largest
 * {@code P / that} over the file bounds every ratio the Java decode checks. If it is within the
 * limit, the Java decode cannot fail on the ratio either.
 */
final class XzLayout {
  private static final byte[] MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};

  /**
   * Total decoded bytes, the largest {@code floor(produced / consumed)} once {@code produced >=
   * after}, and the largest LZMA2 dictionary a block asks for (what a decoder allocates for it).
   */
  record Bound(long total, long worstRatio, long largestDictionary) {}

  private XzLayout() {}

  /**
   * Walks {@code b[off, off + len)}; null when it is not a well-formed sequence of .xz streams
   * with stream padding, with only checks and filters the Java decoder supports.
   *
   * @param after the output from which ratios count ({@link DecompressionLimits#ratioCheckAfterBytes()})
   */
  static Bound walk(byte[] b, int off, int len, long after) {
    try {
      return new Walker(b, off, len, after).file();
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      return null;
    }
  }

  /**
   * The dictionary the first block of the .xz stream at {@code b[off]} asks for, or -1 when the
   * stream or block header cannot be read that far: for a stream that other bytes follow (a
   * kernel inside its self-decompressing image), which {@link #walk} does not take.
   */
  static long firstBlockDictionary(byte[] b, int off, int len) {
    try {
      Walker w = new Walker(b, off, len, Long.MAX_VALUE);
      w.firstBlockHeader();
      return w.dictionary;
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      return -1;
    }
  }

  /** The dictionary size an LZMA2 properties byte gives (xz-file-format 5.3.1). */
  private static long lzma2Dictionary(int props) {
    if (props > 40) {
      throw new IllegalStateException("LZMA2 dictionary size above 4 GiB");
    }
    return props == 40 ? 0xffffffffL : (2L | (props & 1)) << (props / 2 + 11);
  }

  private static final class Walker {
    private final byte[] b;
    private final int off;
    private final int end;
    private final long after;
    private int pos;
    private long total;
    private long worst;
    private long dictionary;

    Walker(byte[] b, int off, int len, long after) {
      this.b = b;
      this.off = off;
      this.end = off + len;
      this.after = after;
      this.pos = off;
    }

    Bound file() {
      while (true) {
        stream();
        while (end - pos >= 4 && b[pos] == 0 && b[pos + 1] == 0 && b[pos + 2] == 0 && b[pos + 3] == 0) {
          pos += 4; // stream padding
        }
        if (pos == end) {
          return new Bound(total, worst, dictionary);
        }
      }
    }

    void firstBlockHeader() {
      streamHeader();
      need(1);
      require(b[pos] != 0);
      blockHeader();
    }

    private void stream() {
      int checkSize = streamHeader();
      while (true) {
        need(1);
        if (b[pos] == 0) {
          index();
          return;
        }
        block(checkSize);
      }
    }

    /** Reads the stream header; returns the size of its blocks' check. */
    private int streamHeader() {
      need(12);
      for (int i = 0; i < 6; i++) {
        require(b[pos + i] == MAGIC[i]);
      }
      require(b[pos + 6] == 0 && (b[pos + 7] & 0xf0) == 0);
      int checkType = b[pos + 7] & 0x0f;
      int checkSize = switch (checkType) {
        case 0 -> 0;
        case 1 -> 4;
        case 4 -> 8;
        case 10 -> 32;
        default -> throw new IllegalStateException("check the Java decoder does not support");
      };
      pos += 12;
      return checkSize;
    }

    private void block(int checkSize) {
      int start = pos;
      blockHeader();
      chunks();
      while ((pos - start) % 4 != 0) {
        need(1);
        pos++; // block padding
      }
      need(checkSize);
      pos += checkSize;
    }

    private void blockHeader() {
      int size = ((b[pos] & 0xff) + 1) * 4;
      need(size);
      int flags = b[pos + 1] & 0xff;
      require((flags & 0x3c) == 0);
      int[] p = {pos + 2};
      int headerEnd = pos + size - 4;
      if ((flags & 0x40) != 0) {
        vli(p, headerEnd);
      }
      if ((flags & 0x80) != 0) {
        vli(p, headerEnd);
      }
      int filters = (flags & 3) + 1;
      for (int i = 0; i < filters; i++) {
        long id = vli(p, headerEnd);
        long props = vli(p, headerEnd);
        boolean last = i == filters - 1;
        require(last ? id == 0x21 : (id >= 0x03 && id <= 0x0b));
        require(props <= headerEnd - p[0]);
        if (last) {
          require(props == 1);
          dictionary = Math.max(dictionary, lzma2Dictionary(b[p[0]] & 0xff));
        }
        p[0] += (int) props;
      }
      pos += size;
    }

    private void chunks() {
      while (true) {
        need(1);
        int control = b[pos] & 0xff;
        if (control == 0) {
          pos++;
          return;
        }
        if (control == 1 || control == 2) {
          need(3);
          int size = u16(pos + 1) + 1;
          int data = pos + 3;
          need(3 + size);
          // produced P in (total, total + size] has consumed at least up to data + (P - total)
          long lo = Math.max(total + 1, after);
          long hi = total + size;
          if (hi >= lo) {
            ratio(lo, data - off + (lo - total));
            ratio(hi, data - off + size);
          }
          total += size;
          pos = data + size;
        } else if (control >= 0x80) {
          int header = control >= 0xc0 ? 6 : 5;
          need(header);
          long size = ((long) (control & 0x1f) << 16 | u16(pos + 1)) + 1;
          int packed = u16(pos + 3) + 1;
          need(header + packed);
          pos += header + packed;
          total += size;
          if (total >= after) {
            ratio(total, pos - off); // the whole chunk was read before any of its output
          }
        } else {
          throw new IllegalStateException("invalid LZMA2 control byte");
        }
      }
    }

    private void ratio(long produced, long consumed) {
      worst = Math.max(worst, produced / Math.max(1, consumed));
    }

    private void index() {
      int start = pos;
      pos++;
      int[] p = {pos};
      long count = vli(p, end);
      for (long i = 0; i < count; i++) {
        vli(p, end);
        vli(p, end);
      }
      pos = p[0];
      while ((pos - start) % 4 != 0) {
        need(1);
        pos++;
      }
      need(4 + 12);
      pos += 4; // index CRC32
      require(b[pos + 10] == 'Y' && b[pos + 11] == 'Z');
      pos += 12;
    }

    private long vli(int[] p, int limit) {
      long v = 0;
      for (int i = 0; i < 9; i++) {
        require(p[0] < limit);
        int x = b[p[0]++] & 0xff;
        v |= (long) (x & 0x7f) << (7 * i);
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("integer too long");
    }

    private int u16(int at) {
      return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private void need(int n) {
      require(n >= 0 && end - pos >= n);
    }

    private static void require(boolean ok) {
      if (!ok) {
        throw new IllegalStateException("not a well-formed .xz file");
      }
    }
  }
}
