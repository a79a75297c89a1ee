package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.compress.DecompressorsTest.Writable;
import dev.btfscan.io.util.ByteBudget;
import dev.btfscan.io.util.ByteBudgetTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WholeDecodeTest {
  private static final byte[] PLAIN = java.util.Arrays.copyOf(ParallelXzInputStreamTest.compressible(600_000), 600_000);

  /** Decodes with a budget of its own (no tool), and records what the budget held while the bytes were used. */
  private static byte[] decode(byte[] file, Compression c, long hint, ByteBudget budget, long[] heldDuringUse)
      throws IOException {
    return WholeDecode.file(file, 0, file.length, c, hint, DecompressionLimits.forModule(), budget, null, 0,
        bytes -> {
          heldDuringUse[0] = budget.held();
          return bytes;
        });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Writable.class)
  void givesExactlyTheDecodedBytesCountedInTheBudgetUntilTheUseReturns(Writable format) throws Exception {
    byte[] file = DecompressorsTest.compress(format, PLAIN);
    ByteBudget budget = new ByteBudget(64 << 20);
    long[] held = new long[1];

    byte[] got = decode(file, Compression.valueOf(format.name()), 0, budget, held);

    assertArrayEquals(PLAIN, got);
    assertEquals(PLAIN.length, held[0], "the exact array, and only it, is counted while it is used");
    assertEquals(0, budget.held(), "given back once the use returned");
  }

  @ParameterizedTest(name = "hint {0}")
  @ValueSource(longs = {0, 1, 599_999, 600_000, 600_001, 1L << 40})
  void givesTheSameBytesWhateverTheSizeHintClaims(long hint) throws Exception {
    byte[] file = DecompressorsTest.compress(Writable.GZIP, PLAIN); // a hint stands before its trailer's size
    ByteBudget budget = new ByteBudget(64 << 20);
    long[] held = new long[1];

    assertArrayEquals(PLAIN, decode(file, Compression.GZIP, hint, budget, held));
    assertEquals(PLAIN.length, held[0]);
    assertEquals(0, budget.held());
  }

  @Test
  void theSizesTheFormatsDeclareAreRead() throws Exception {
    byte[] gzip = DecompressorsTest.compress(Writable.GZIP, PLAIN);
    assertEquals(PLAIN.length, WholeDecode.declaredSize(gzip, 0, gzip.length, Compression.GZIP));
    byte[] xz = DecompressorsTest.compress(Writable.XZ, PLAIN);
    assertEquals(PLAIN.length, XzLayout.walk(xz, 0, xz.length, 0).total(), "xz: its index, through its layout");
    byte[] zstd = com.github.luben.zstd.Zstd.compress(PLAIN); // as the zstd tool writes a file: with its size
    assertEquals(PLAIN.length, WholeDecode.declaredSize(zstd, 0, zstd.length, Compression.ZSTD));
    byte[] streamed = DecompressorsTest.compress(Writable.ZSTD, PLAIN);
    assertEquals(0, WholeDecode.declaredSize(streamed, 0, streamed.length, Compression.ZSTD),
        "a zstd stream written without its size declares none");
    byte[] bzip2 = DecompressorsTest.compress(Writable.BZIP2, PLAIN);
    assertEquals(0, WholeDecode.declaredSize(bzip2, 0, bzip2.length, Compression.BZIP2), "bzip2 declares none");
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 200, 255, 256, 300, 65_791, 65_792, 70_000, 600_000})
  void aZstdFrameHeaderGivesTheContentSizeZstdWroteInIt(int size) {
    byte[] data = java.util.Arrays.copyOf(PLAIN, size); // the field's width follows the size: 1, 2, 4 bytes
    byte[] frame = com.github.luben.zstd.Zstd.compress(data);
    assertEquals(size == 0 ? 0 : size, WholeDecode.zstdFrameContentSize(frame, 0, frame.length));
    byte[] framed = new byte[frame.length + 3];
    System.arraycopy(frame, 0, framed, 3, frame.length);
    assertEquals(size == 0 ? 0 : size, WholeDecode.zstdFrameContentSize(framed, 3, frame.length), "at an offset");
    assertEquals(0, WholeDecode.zstdFrameContentSize(frame, 0, 5), "a cut header declares nothing");
  }

  @Test
  void aDeclaredSizeIsBelievedOnlyUpToARatioToTheInputAndTheCap() {
    DecompressionLimits limits = DecompressionLimits.forModule();
    assertEquals(1_000L * WholeDecode.MAX_TRUSTED_RATIO, WholeDecode.firstSize(1L << 32, 1_000, limits));
    assertEquals(limits.maxOutputBytes(), WholeDecode.firstSize(1L << 32, 100 << 20, limits));
    assertEquals(5_000, WholeDecode.firstSize(5_000, 1_000, limits));
  }

  @Test
  void aDecodeThatFindsNoRoomToGrowGivesAllBackBeforeItWaits() throws Exception {
    byte[] file = DecompressorsTest.compress(Writable.GZIP, PLAIN);
    ByteBudget budget = new ByteBudget(1_000_000);
    budget.take(800_000); // another holder's: room for the first array (150,000), not for a copy beside it
    AtomicReference<byte[]> got = new AtomicReference<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long[] held = new long[1];
    Thread decoding = new Thread(() -> {
      try {
        got.set(decode(file, Compression.GZIP, 150_000, budget, held));
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    decoding.start();

    ByteBudgetTest.awaitWaiting(decoding);
    assertEquals(800_000, budget.held(), "the decode waits holding nothing, so no two decodes wait for each other");
    budget.give(800_000);
    decoding.join(30_000);

    assertEquals(null, failed.get());
    assertArrayEquals(PLAIN, got.get());
    assertEquals(PLAIN.length, held[0]);
    assertEquals(0, budget.held());
  }

  @Test
  void theDecodersDictionaryIsCountedBesideTheArrayWhileTheDecoderIsOpen() throws Exception {
    byte[] file = DecompressorsTest.compress(Writable.GZIP, PLAIN);
    ByteBudget budget = new ByteBudget(64 << 20);
    WholeDecode.Held held = new WholeDecode.Held(budget);
    long[] heldWhileReading = {-1};
    WholeDecode.Opener opener = () -> new java.io.FilterInputStream(
        Decompressors.open(new java.io.ByteArrayInputStream(file), Compression.GZIP, DecompressionLimits.forModule())) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        heldWhileReading[0] = budget.held();
        return super.read(b, off, len);
      }
    };

    byte[] got = WholeDecode.decode(held, opener, PLAIN.length, 8 << 20);

    assertArrayEquals(PLAIN, got);
    assertEquals(PLAIN.length + (8 << 20), heldWhileReading[0]);
    assertEquals(PLAIN.length, held.amount(), "the dictionary given back once the decoder is closed");
  }

  @Test
  void anXzFilesLayoutGivesTheLargestDictionaryItsBlocksAskFor() throws Exception {
    byte[] one = compress(new org.tukaani.xz.LZMA2Options(6)); // 8 MiB
    byte[] two = compress(new org.tukaani.xz.LZMA2Options(1)); // 1 MiB
    byte[] both = java.util.Arrays.copyOf(two, two.length + one.length);
    System.arraycopy(one, 0, both, two.length, one.length);

    assertEquals(8 << 20, XzLayout.walk(both, 0, both.length, 0).largestDictionary());
    assertEquals(1 << 20, XzLayout.firstBlockDictionary(both, 0, both.length), "the first stream's, whatever follows");
    assertEquals(-1, XzLayout.firstBlockDictionary(both, 0, 12), "a stream header alone");
  }

  @Test
  void anLzmaHeaderGivesItsDictionary() throws Exception {
    byte[] lzma = DecompressorsTest.compress(Writable.LZMA, PLAIN); // LZMA2Options' default: 8 MiB
    assertEquals(8 << 20, WholeDecode.decoderMemory(lzma, 0, lzma.length, Compression.LZMA));
    assertEquals(0, WholeDecode.decoderMemory(lzma, 0, lzma.length, Compression.GZIP));
  }

  @ParameterizedTest(name = "windowLog {0}")
  @ValueSource(ints = {10, 17, 20, 23, 27})
  void aStreamedZstdFrameCountsTheWindowItsHeaderAsksFor(int windowLog) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
      z.setWindowLog(windowLog); // streamed: no content size, so the window is what the decoder allocates
      z.write(PLAIN);
    }
    byte[] frame = out.toByteArray();
    assertEquals(0, WholeDecode.declaredSize(frame, 0, frame.length, Compression.ZSTD), "streamed: no content size");

    assertEquals(1L << windowLog, WholeDecode.decoderMemory(frame, 0, frame.length, Compression.ZSTD));
  }

  @Test
  void aZstdFrameWithItsContentSizeCountsNoMoreThanTheContent() throws Exception {
    byte[] oneShot = com.github.luben.zstd.Zstd.compress(PLAIN); // single segment: the window is the content
    assertEquals(PLAIN.length, WholeDecode.zstdWindowMemory(oneShot, 0, oneShot.length));
    // a window descriptor of 2^20 and a content size of 1,000 bytes (2-byte field: 1000 - 256)
    byte[] header = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x40, 0x50, (byte) 0xe8, 0x02};
    assertEquals(1_000, WholeDecode.zstdWindowMemory(header, 0, header.length));
    byte[] noSize = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, 0x50}; // the same window, no content size
    assertEquals(1L << 20, WholeDecode.zstdWindowMemory(noSize, 0, noSize.length));
  }

  @Test
  void aZstdHeaderThatDoesNotReadCountsTheMostADecoderMayAllocate() {
    byte[] huge = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) 0xf8}; // a 2^41 window: clamped
    assertEquals(WholeDecode.ZSTD_MAX_WINDOW, WholeDecode.zstdWindowMemory(huge, 0, huge.length));
    assertEquals(WholeDecode.ZSTD_MAX_WINDOW, WholeDecode.zstdWindowMemory(huge, 0, 5), "cut");
  }

  private static byte[] compress(org.tukaani.xz.LZMA2Options options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (org.tukaani.xz.XZOutputStream xz = new org.tukaani.xz.XZOutputStream(out, options)) {
      xz.write(PLAIN, 0, 10_000);
    }
    return out.toByteArray();
  }

  /**
   * Single-stream xz decoders lend their dictionaries through a shared cache (ParallelXzInputStream's
   * fallback): decodes at once on several threads, with dictionaries of the same and of other
   * sizes, each give their own file's bytes.
   */
  @Test
  void concurrentXzDecodesSharingTheDictionaryCacheEachGiveTheirOwnBytes() throws Exception {
    int files = 48;
    byte[][] plain = new byte[files][];
    byte[][] xz = new byte[files][];
    java.util.Random r = new java.util.Random(11);
    for (int i = 0; i < files; i++) {
      plain[i] = new byte[20_000 + r.nextInt(200_000)];
      for (int j = 0; j < plain[i].length; j++) {
        plain[i][j] = (byte) ("kernel module btf " + i).charAt(r.nextInt(10 + i % 7));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (org.tukaani.xz.XZOutputStream o = new org.tukaani.xz.XZOutputStream(out,
          new org.tukaani.xz.LZMA2Options(i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 6))) { // 1, 4 and 8 MiB dictionaries
        o.write(plain[i]);
      }
      xz[i] = out.toByteArray();
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> same = new java.util.ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < files; i++) {
          int k = i;
          same.add(pool.submit(() -> Arrays.equals(plain[k], WholeDecode.file(xz[k], 0, xz[k].length, Compression.XZ,
              0, DecompressionLimits.forModule(), new ByteBudget(64 << 20), null, 0, bytes -> bytes))));
        }
      }
      for (java.util.concurrent.Future<Boolean> f : same) {
        assertTrue(f.get(), "a decode gave another file's bytes");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMultiBlockXzFileDecodesBlockAfterBlockToItsBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    // blocks with both sizes in their headers, as threaded xz writes them (ParallelXzInputStream's kind)
    byte[] file = XzCli.compress("xz", tmp, PLAIN, "-T2", "--block-size=64KiB", "--check=crc32");
    ByteBudget budget = new ByteBudget(64 << 20);
    long[] held = new long[1];

    assertArrayEquals(PLAIN, decode(file, Compression.XZ, 0, budget, held));
    assertEquals(PLAIN.length, held[0]);
    assertEquals(8 << 20, XzLayout.walk(file, 0, file.length, 0).largestDictionary(), "xz -6's, as its blocks ask");
  }

  @ParameterizedTest(name = "first array {0} bytes")
  @ValueSource(longs = {4096, 7 << 20})
  void theRatioLimitTripsAtTheSamePointWhateverTheArraysSize(long hint) throws Exception {
    // 4 MiB of zeros, then 3 MiB of noise: within 20:1 as a whole, beyond it early in the zeros
    byte[] noise = new byte[3 << 20];
    new java.util.Random(5).nextBytes(noise);
    byte[] data = java.util.Arrays.copyOf(new byte[4 << 20], 7 << 20);
    System.arraycopy(noise, 0, data, 4 << 20, noise.length);
    byte[] xz = DecompressorsTest.compress(Writable.XZ, data);
    DecompressionLimits limits = DecompressionLimits.defaults().withRatioCheckAfterBytes(1 << 20).withMaxRatio(20);

    DecompressionBombException e = assertThrows(DecompressionBombException.class, () -> WholeDecode.file(xz, 0,
        xz.length, Compression.XZ, hint, limits, new ByteBudget(64 << 20), null, 0, bytes -> bytes));
    assertTrue(e.getMessage().contains("expands more than 20:1"), e.getMessage());
  }

  @Test
  void aFileBeyondTheCapFailsAndHoldsNothingAfterwards() throws Exception {
    byte[] file = DecompressorsTest.compress(Writable.ZSTD, PLAIN);
    ByteBudget budget = new ByteBudget(64 << 20);
    DecompressionLimits small = DecompressionLimits.forModule().withMaxOutputBytes(100_000);

    assertThrows(DecompressionBombException.class, () -> WholeDecode.file(file, 0, file.length, Compression.ZSTD, 0,
        small, budget, null, 0, bytes -> bytes));
    assertEquals(0, budget.held());
  }

  @Test
  void aFirstStreamEndsWhereItsFramingSaysWhateverFollows() throws Exception {
    ByteArrayOutputStream image = new ByteArrayOutputStream();
    image.writeBytes(DecompressorsTest.compress(Writable.XZ, PLAIN));
    image.writeBytes("decompressor code and data after the payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    byte[] b = image.toByteArray();

    int length = WholeDecode.firstStream(b, 0, b.length, Compression.XZ, DecompressionLimits.forKernel(),
        bytes -> {
          assertArrayEquals(PLAIN, bytes);
          return bytes.length;
        });

    assertEquals(PLAIN.length, length);
    assertEquals(0, DecodedBytes.jvm().held());
  }

  @Test
  void anUncompressedFileIsNotTheDecodersToCopy() {
    assertThrows(IllegalArgumentException.class, () -> WholeDecode.file(PLAIN, 0, PLAIN.length, Compression.NONE, 0,
        DecompressionLimits.forModule(), bytes -> bytes));
  }
}
