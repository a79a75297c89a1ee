package dev.btfscan.io.compress;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lzo.LzoDecompressor;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Checksum;

/**
 * Reads the lzop container (lzop.c {@code read_header}/{@code x_decompress}) and decodes its
 * LZO1X blocks with aircompressor's pure-Java decompressor. We parse the container ourselves
 * because aircompressor's lzop stream only understands the Hadoop flavour of the header; the
 * kernel's lzo vmlinuz payload and the lzop tool write the full one (extra fields, filters,
 * crc32/adler32 per block). Checksums are verified so corruption is reported, not passed on.
 */
final class LzopInputStream extends InputStream {
  private static final byte[] MAGIC = {(byte) 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a};
  private static final int F_ADLER32_D = 0x1;
  private static final int F_ADLER32_C = 0x2;
  private static final int F_H_EXTRA_FIELD = 0x40;
  private static final int F_CRC32_D = 0x100;
  private static final int F_CRC32_C = 0x200;
  private static final int F_MULTIPART = 0x400;
  private static final int F_H_FILTER = 0x800;
  private static final int F_H_CRC32 = 0x1000;
  /** lzop's own MAX_BLOCK_SIZE; larger blocks are refused by lzop too. */
  private static final int MAX_BLOCK_SIZE = 64 << 20;

  private final DataInputStream in;
  private final LzoDecompressor decompressor = new LzoDecompressor();
  private int flags;
  private byte[] block = new byte[0];
  private int blockPos;
  private int blockLen;
  private long offset;
  private boolean done;
  private final byte[] one = new byte[1];

  LzopInputStream(InputStream in) throws IOException {
    this.in = new DataInputStream(in);
    readHeader();
  }

  private void readHeader() throws IOException {
    byte[] magic = readFully(MAGIC.length, "lzop magic");
    for (int i = 0; i < MAGIC.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new IOException("not an lzop stream: bad magic");
      }
    }
    // The header checksum covers everything from the version field to the end of the name.
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    int version = u16(header);
    u16(header); // library version
    if (version >= 0x0940) {
      u16(header); // version needed to extract
    }
    int method = u8(header);
    if (method < 1 || method > 3) {
      throw new IOException("lzop method " + method + " is not LZO1X (1..3)");
    }
    if (version >= 0x0940) {
      u8(header); // level
    }
    flags = u32(header);
    if ((flags & F_H_FILTER) != 0) {
      throw new IOException("lzop filters are not supported (flags " + Integer.toHexString(flags) + ")");
    }
    if ((flags & F_MULTIPART) != 0) {
      throw new IOException("multipart lzop files are not supported");
    }
    u32(header); // mode
    u32(header); // mtime low
    if (version >= 0x0940) {
      u32(header); // mtime high
    }
    int nameLen = u8(header);
    header.write(readFully(nameLen, "lzop file name"), 0, nameLen);
    int expected = readInt("lzop header checksum");
    Checksum sum = (flags & F_H_CRC32) != 0 ? new CRC32() : new Adler32();
    byte[] h = header.toByteArray();
    sum.update(h, 0, h.length);
    if ((int) sum.getValue() != expected) {
      throw new IOException("lzop header checksum mismatch");
    }
    if ((flags & F_H_EXTRA_FIELD) != 0) {
      long extraLen = Integer.toUnsignedLong(readInt("lzop extra field length"));
      if (extraLen > 1 << 20) {
        throw new IOException("lzop extra field of " + extraLen + " bytes");
      }
      readFully((int) extraLen, "lzop extra field");
      readInt("lzop extra field checksum");
    }
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (blockPos >= blockLen) {
      if (done || !nextBlock()) {
        return -1;
      }
    }
    int n = Math.min(len, blockLen - blockPos);
    System.arraycopy(block, blockPos, b, off, n);
    blockPos += n;
    return n;
  }

  private boolean nextBlock() throws IOException {
    long at = offset;
    long dstLen = Integer.toUnsignedLong(readInt("lzop block size"));
    if (dstLen == 0) {
      done = true; // end-of-stream marker; anything after it (the kernel's size word) is ignored
      return false;
    }
    if (dstLen > MAX_BLOCK_SIZE) {
      throw new IOException("lzop block at offset " + at + " claims " + dstLen + " bytes (max " + MAX_BLOCK_SIZE + ")");
    }
    long srcLen = Integer.toUnsignedLong(readInt("lzop block size"));
    if (srcLen == 0 || srcLen > dstLen) {
      throw new IOException("lzop block at offset " + at + " has compressed size " + srcLen + " for " + dstLen + " bytes");
    }
    Integer adlerD = (flags & F_ADLER32_D) != 0 ? readInt("lzop block checksum") : null;
    Integer crcD = (flags & F_CRC32_D) != 0 ? readInt("lzop block checksum") : null;
    boolean compressed = srcLen < dstLen;
    Integer adlerC = compressed && (flags & F_ADLER32_C) != 0 ? readInt("lzop block checksum") : null;
    Integer crcC = compressed && (flags & F_CRC32_C) != 0 ? readInt("lzop block checksum") : null;
    byte[] src = readFully((int) srcLen, "lzop block at offset " + at);
    verify(src, (int) srcLen, adlerC, crcC, at, "compressed");
    if (block.length < dstLen) {
      block = new byte[(int) dstLen];
    }
    if (compressed) {
      int n;
      try {
        n = decompressor.decompress(src, 0, (int) srcLen, block, 0, (int) dstLen);
      } catch (MalformedInputException | IndexOutOfBoundsException e) {
        throw new IOException("corrupt lzo block at offset " + at + ": " + e.getMessage(), e);
      }
      if (n != dstLen) {
        throw new IOException("lzo block at offset " + at + " decoded to " + n + " bytes, header says " + dstLen);
      }
    } else {
      System.arraycopy(src, 0, block, 0, (int) srcLen);
    }
    verify(block, (int) dstLen, adlerD, crcD, at, "decompressed");
    blockPos = 0;
    blockLen = (int) dstLen;
    return true;
  }

  private static void verify(byte[] data, int len, Integer adler, Integer crc, long at, String which) throws IOException {
    if (adler != null) {
      Adler32 a = new Adler32();
      a.update(data, 0, len);
      if ((int) a.getValue() != adler) {
        throw new IOException("lzop block at offset " + at + ": " + which + " adler32 mismatch");
      }
    }
    if (crc != null) {
      CRC32 c = new CRC32();
      c.update(data, 0, len);
      if ((int) c.getValue() != crc) {
        throw new IOException("lzop block at offset " + at + ": " + which + " crc32 mismatch");
      }
    }
  }

  private int u8(ByteArrayOutputStream header) throws IOException {
    byte[] b = readFully(1, "lzop header");
    header.write(b, 0, 1);
    return b[0] & 0xff;
  }

  private int u16(ByteArrayOutputStream header) throws IOException {
    byte[] b = readFully(2, "lzop header");
    header.write(b, 0, 2);
    return (b[0] & 0xff) << 8 | (b[1] & 0xff);
  }

  private int u32(ByteArrayOutputStream header) throws IOException {
    byte[] b = readFully(4, "lzop header");
    header.write(b, 0, 4);
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private int readInt(String what) throws IOException {
    byte[] b = readFully(4, what);
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  /** Reads exactly n bytes; the buffer grows as data arrives, so a lying block size cannot over-allocate. */
  private byte[] readFully(int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("truncated lzop stream: " + what + " at offset " + (offset + b.length) + " (expected " + n
          + " bytes, got " + b.length + ")");
    }
    offset += n;
    return b;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
