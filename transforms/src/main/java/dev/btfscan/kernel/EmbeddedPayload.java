package dev.btfscan.kernel;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import dev.btfscan.io.compress.WholeDecode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Finds the compressed kernel ("piggy") inside a self-decompressing image whose header does not
 * say where it is: the ARM zImage (arch/arm/boot/compressed/piggy.S), the s390 image
 * (arch/s390/boot), and any container this code has no parser for. As the kernel's own
 * scripts/extract-vmlinux does, it tries every offset where a compressor's magic starts, in file
 * order, and keeps the first stream that decodes cleanly to a kernel.
 *
 * <p>A magic means little by itself: decompressors carry their format's magic as a constant (both
 * Debian's s390x and armhf images have an xz magic in their xz decoder before the real payload),
 * and two-byte magics occur in any binary. So a candidate must first pass its format's header
 * checks ({@link #plausibleStreamStart}: xz's header CRC, gzip's reserved flag bits, bzip2's block
 * magic, ...), then decode as one whole stream that ends by its own framing
 * ({@link Decompressors#openFirstStream}), then hold a kernel: an ELF, raw BTF, a known Image
 * header, a BTF blob or a Linux banner. Work is bounded for crafted files: at most
 * {@link #MAX_ATTEMPTS} decodes, which together may produce at most the limits' output cap.
 */
final class EmbeddedPayload {
  /** Decodes tried per image; real images need one or two (a decoy magic, then the payload). */
  static final int MAX_ATTEMPTS = 16;
  private static final byte[] BZIP2_BLOCK_MAGIC = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};

  /**
   * What the caller reads from the kernel found: the stream's format, where it started in the
   * image, and the decoded kernel, whose bytes are the caller's only while it reads them.
   */
  @FunctionalInterface
  interface Reading<R> {
    R read(Compression compression, int offset, byte[] kernel) throws KernelImageException;
  }

  /** A candidate's decoded length, and what the caller read from it if it holds a kernel. */
  private record Decoded<R>(int length, Optional<R> read) {}

  private EmbeddedPayload() {}

  /**
   * What {@code reading} reads from the first candidate stream of {@code image} that decodes to a
   * kernel, or empty when none does (then {@code attempts} says what was tried, for the caller's
   * message).
   */
  static <R> Optional<R> find(byte[] image, DecompressionLimits limits, StringBuilder attempts, Reading<R> reading)
      throws KernelImageException {
    ByteBuffer buf = ByteBuffer.wrap(image);
    long budget = limits.maxOutputBytes();
    int tried = 0;
    for (int at = 0; at + Compression.MAX_MAGIC_LENGTH <= image.length; at++) {
      if (!MAGIC_FIRST_BYTE[image[at] & 0xff]) {
        continue;
      }
      Compression c = Compression.detect(buf, at);
      if (c == Compression.NONE || !plausibleStreamStart(image, at, c)) {
        continue;
      }
      if (++tried > MAX_ATTEMPTS) {
        attempts.append("; gave up after ").append(MAX_ATTEMPTS).append(" candidate streams");
        return Optional.empty();
      }
      Decoded<R> d;
      try {
        d = decodeFirstStream(image, at, c, limits.withMaxOutputBytes(budget), reading);
      } catch (DecompressionBombException e) {
        throw new KernelImageException("cannot decompress " + Compressors.kernelName(c) + " payload at "
            + Hex.of(at) + ": " + e.getMessage(), e);
      } catch (InterruptedIOException e) {
        throw new UncheckedIOException(e); // the worker is stopping: no verdict on the image
      } catch (IOException e) {
        note(attempts, c, at, "does not decode (" + e.getMessage() + ")");
        continue;
      }
      budget -= d.length();
      if (d.read().isPresent()) {
        return d.read();
      }
      note(attempts, c, at, "decodes to " + Hex.of(d.length()) + " bytes with no kernel in them");
      if (budget <= 0) {
        attempts.append("; the decodes reached the output limit of ").append(limits.maxOutputBytes()).append(" bytes");
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static void note(StringBuilder attempts, Compression c, int at, String what) {
    attempts.append(attempts.length() == 0 ? "" : "; ").append(Compressors.kernelName(c)).append(" at ")
        .append(Hex.of(at)).append(' ').append(what);
  }

  /** The stream at {@code at} decoded into an array counted in {@code DecodedBytes} ({@link WholeDecode}) while it is read. */
  private static <R> Decoded<R> decodeFirstStream(byte[] image, int at, Compression c, DecompressionLimits limits,
      Reading<R> reading) throws IOException, KernelImageException {
    return WholeDecode.firstStream(image, at, image.length - at, c, limits, kernel -> new Decoded<>(kernel.length,
        looksLikeKernel(kernel) ? Optional.of(reading.read(c, at, kernel)) : Optional.empty()));
  }

  /** What a kernel decodes to: a vmlinux ELF, raw BTF, an Image with a header, or a flat binary with BTF or a banner. */
  private static boolean looksLikeKernel(byte[] data) {
    return dev.btfscan.elf.ElfSectionTable.hasMagic(data)
        || dev.btfscan.btf.BtfHeader.hasMagic(data, 0)
        || RawImageHeader.arch(data).isPresent()
        || LinuxBanner.release(data).isPresent()
        || hasBtfMagic(data);
  }

  private static boolean hasBtfMagic(byte[] data) {
    for (int i = 0; i + 4 <= data.length; i++) {
      int b0 = data[i] & 0xff;
      if ((b0 == 0x9f || b0 == 0xeb) && (data[i + 1] & 0xff) == (b0 ^ 0x74) && data[i + 2] == 1 && data[i + 3] == 0) {
        return true; // 9f eb or eb 9f, version 1, flags 0: BtfLocator decides whether a blob is there
      }
    }
    return false;
  }

  /**
   * The header checks of each format beyond its magic, so that a magic met by chance (or as a
   * decompressor's constant) is not decoded when its very first bytes already rule it out.
   */
  static boolean plausibleStreamStart(byte[] d, int at, Compression c) {
    switch (c) {
      case XZ: { // stream flags (null byte, check type) and their CRC32, xz-file-format 2.1.1
        if (d.length - at < 12 || d[at + 6] != 0 || (d[at + 7] & 0xf0) != 0) {
          return false;
        }
        CRC32 crc = new CRC32();
        crc.update(d, at + 6, 2);
        return (int) crc.getValue() == ByteBuffer.wrap(d, at + 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
      }
      case GZIP: // RFC 1952: FLG bits 5-7 reserved, must be zero
        return (d[at + 3] & 0xe0) == 0;
      case BZIP2:
        return Arrays.equals(d, at + 4, at + 10, BZIP2_BLOCK_MAGIC, 0, 6);
      case ZSTD: // frame header descriptor: bit 3 reserved
        return (d[at + 4] & 0x08) == 0;
      case LZ4_FRAME: // FLG: version 01, reserved bit 1 clear
        return (d[at + 4] & 0xc2) == 0x40;
      case LZ4_LEGACY: { // the first block's compressed size: 1 .. LZ4 bound of 8 MiB
        long size = Integer.toUnsignedLong(ByteBuffer.wrap(d, at + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        return size > 0 && size <= (8 << 20) + (8 << 20) / 255 + 16;
      }
      case LZMA: // Compression.detect applies xz-utils' own lzma_alone checks
      case LZOP: // nine bytes of magic
        return true;
      case NONE:
        return false;
    }
    throw new AssertionError(c);
  }

  private static final boolean[] MAGIC_FIRST_BYTE = new boolean[256];

  static {
    for (int b : new int[] {0xfd, 0x1f, 0x28, 0x04, 0x02, 0x89, 'B', 0x5d}) {
      MAGIC_FIRST_BYTE[b] = true; // xz, gzip, zstd, lz4 frame, lz4 legacy, lzop, bzip2, lzma
    }
  }
}
