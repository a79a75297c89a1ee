package dev.btfscan.io.compress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import dev.btfscan.io.util.BoundedInputStream;

/**
 * Decodes the LZ4 legacy format ({@code lz4 -l}, the kernel's lz4 vmlinuz payload): the magic
 * {@code 0x184C2102} (LE) followed by blocks of [LE u32 compressed size][raw LZ4 block], each block
 * decoding to at most 8 MiB. No stream library accepts this format, so blocks are decoded one by
 * one with commons-compress's raw block decoder.
 *
 * <p>The format has no end marker. Like the kernel's {@code unlz4} we stop at EOF, and treat a size
 * word that cannot be a block (larger than LZ4's bound for 8 MiB) or that is followed by EOF as a
 * trailer: the kernel build appends the uncompressed size as 4 bytes. A repeated magic starts a
 * new concatenated stream, which is skipped over as {@code unlz4} does.
 */
final class Lz4LegacyInputStream extends InputStream {
  static final int MAGIC = 0x184C2102;
  static final int MAX_BLOCK_DECOMPRESSED = 8 << 20;
  /** LZ4_COMPRESSBOUND(8 MiB) = n + n/255 + 16. */
  static final int MAX_BLOCK_COMPRESSED = MAX_BLOCK_DECOMPRESSED + MAX_BLOCK_DECOMPRESSED / 255 + 16;

  private final InputStream in;
  /** Stop after the first block shorter than 8 MiB: the last of a stream ({@link #firstStream}). */
  private final boolean firstStreamOnly;
  private InputStream block;
  private long blockProduced;
  private long offset;
  private boolean done;
  private final byte[] one = new byte[1];

  Lz4LegacyInputStream(InputStream in) throws IOException {
    this(in, false);
  }

  /**
   * Decodes one stream and ignores what follows it. The format has no end marker, but {@code lz4
   * -l} cuts its input into 8 MiB blocks, so the first block that decodes to less is the last (a
   * stream of exactly n * 8 MiB ends where a size word cannot be a block: the kernel's size
   * trailer, or a new magic).
   */
  static Lz4LegacyInputStream firstStream(InputStream in) throws IOException {
    return new Lz4LegacyInputStream(in, true);
  }

  private Lz4LegacyInputStream(InputStream in, boolean firstStreamOnly) throws IOException {
    this.in = in;
    this.firstStreamOnly = firstStreamOnly;
    Integer magic = readSizeWord();
    if (magic == null) {
      throw new EOFException("empty lz4 legacy stream");
    }
    if (magic != MAGIC) {
      throw new IOException(String.format("not an lz4 legacy stream: magic %08x", magic));
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
    while (!done) {
      if (block != null) {
        int n = block.read(b, off, len);
        if (n > 0) {
          blockProduced += n;
          if (blockProduced > MAX_BLOCK_DECOMPRESSED) {
            throw new IOException("lz4 legacy block at offset " + offset + " decodes to more than 8 MiB");
          }
          return n;
        }
        block = null;
        if (firstStreamOnly && blockProduced < MAX_BLOCK_DECOMPRESSED) {
          done = true;
          return -1;
        }
      }
      nextBlock();
    }
    return -1;
  }

  private void nextBlock() throws IOException {
    while (true) {
      long at = offset;
      Integer size = readSizeWord();
      if (size == null) {
        done = true;
        return;
      }
      if (size == MAGIC) {
        if (firstStreamOnly) {
          done = true;
          return;
        }
        continue; // concatenated stream
      }
      long unsigned = Integer.toUnsignedLong(size);
      if (unsigned > MAX_BLOCK_COMPRESSED) {
        done = true; // a trailer (the kernel's appended size), not a block
        return;
      }
      // Peek one byte: a size word followed by nothing is a trailer, a short block is truncation.
      int first = in.read();
      if (first < 0) {
        done = true;
        return;
      }
      offset++;
      if (unsigned == 0) {
        throw new IOException("lz4 legacy block at offset " + at + " has size 0");
      }
      InputStream data = new SequenceOfByteAndStream((byte) first,
          new BoundedInputStream(in, unsigned - 1, true, "lz4 legacy block at offset " + at));
      block = new BlockLZ4CompressorInputStream(data);
      blockProduced = 0;
      offset += unsigned - 1;
      return;
    }
  }

  /** Reads the next LE u32; null at a clean EOF; EOFException when 1..3 bytes remain. */
  private Integer readSizeWord() throws IOException {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int c = in.read();
      if (c < 0) {
        if (i == 0) {
          return null;
        }
        throw new EOFException("truncated lz4 legacy stream: partial block size at offset " + offset);
      }
      v |= c << (8 * i);
    }
    offset += 4;
    return v;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Prepends one already-read byte to a stream. */
  private static final class SequenceOfByteAndStream extends InputStream {
    private final InputStream rest;
    private int first;

    SequenceOfByteAndStream(byte first, InputStream rest) {
      this.first = first & 0xff;
      this.rest = rest;
    }

    @Override
    public int read() throws IOException {
      if (first >= 0) {
        int b = first;
        first = -1;
        return b;
      }
      return rest.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (first >= 0) {
        b[off] = (byte) first;
        first = -1;
        return 1;
      }
      return rest.read(b, off, len);
    }
  }
}
