package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.io.compress.ParallelXzNativeTest.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole in-memory .xz file (a kernel image's payload) decoded by the xz tool through {@link
 * WholeDecode#file}: the same bytes, and the same exception with the same message (limits
 * included), as the pure-Java decode.
 */
class NativeXzFileTest {
  @TempDir static Path tmp;
  static NativeXz found;
  static byte[] plain;
  static byte[] kernelXz;

  @BeforeAll
  static void setUp() throws Exception {
    found = NativeXz.discover();
    assumeTrue(found != null && found.verifiesChecks(), "no trusted xz tool on the PATH");
    Random r = new Random(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // x86-ish: call/jmp opcodes with relative targets among text, so the BCJ filter has work
    String[] words = {"struct ", "btf_type ", "module ", "\n", "vmlinux ", "__x64_sys_"};
    while (out.size() < 6_000_000) {
      int k = r.nextInt(10);
      if (k == 0) {
        out.write(0xe8);
        out.writeBytes(new byte[] {(byte) r.nextInt(), (byte) r.nextInt(16), 0, 0});
      } else if (k == 1) {
        byte[] noise = new byte[r.nextInt(48)];
        r.nextBytes(noise);
        out.writeBytes(noise);
      } else {
        out.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
      }
    }
    plain = out.toByteArray();
    // as the kernel's scripts/xz_wrap.sh for x86: one block, no sizes in its header
    kernelXz = xz(plain, "--format=xz", "--check=crc32", "--x86", "--lzma2=preset=6,dict=32MiB");
    assertTrue(kernelXz.length >= 1 << 20, "a payload above the default threshold: " + kernelXz.length);
  }

  @AfterEach
  void noXzProcessOutlivesATest() {
    assertEquals(List.of(), ProcessHandle.current().children()
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).collect(Collectors.toList()));
  }

  /** {@code xz -c ARGS} of {@code data}, written by the tool itself. */
  static byte[] xz(byte[] data, String... args) throws Exception {
    return XzCli.compress(found.toString(), tmp, data, args);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static NativeXz tool() {
    NativeXz t = new NativeXz(found.toString(), NativeXz.DEFAULT_TIMEOUT);
    assertTrue(t.verifiesChecks());
    return t;
  }

  static Outcome read(byte[] xz, DecompressionLimits limits, NativeXz nativeXz) {
    return read(xz, 0, xz.length, limits, nativeXz, 0);
  }

  /** What {@link WholeDecode#file} gives for {@code len} bytes at {@code off}, with this tool and threshold. */
  static Outcome read(byte[] src, int off, int len, DecompressionLimits limits, NativeXz nativeXz, long nativeMinBytes) {
    try {
      return new Outcome(WholeDecode.file(src, off, len, Compression.XZ, 0, limits,
          new dev.btfscan.io.util.ByteBudget(1L << 30), nativeXz, nativeMinBytes, bytes -> bytes), null, null);
    } catch (IOException e) {
      return new Outcome(null, e.getClass(), e.getMessage());
    }
  }

  static Outcome both(byte[] xz, DecompressionLimits limits, NativeXz tool, String what) {
    Outcome java = read(xz, limits, null);
    assertEquals(java, read(xz, limits, tool), what);
    return java;
  }

  @Test
  void aKernelShapedPayloadIsDecodedByTheToolToTheBytesJavaGives() {
    NativeXz tool = tool();
    Outcome viaTool = read(kernelXz, DecompressionLimits.defaults(), tool);
    assertEquals(1, tool.accepted(), "decoded by the tool");
    assertArrayEquals(plain, viaTool.bytes());
    assertEquals(read(kernelXz, DecompressionLimits.defaults(), null), viaTool);
  }

  @Test
  void theToolIsUsedOnlyFromTheThreshold() throws Exception {
    NativeXz tool = tool();
    byte[] small = xz(Arrays.copyOf(plain, 100_000), "--check=crc64");
    assertArrayEquals(Arrays.copyOf(plain, 100_000),
        read(small, 0, small.length, DecompressionLimits.defaults(), tool, 1 << 20).bytes());
    assertEquals(0, tool.accepted() + tool.refused(), "below the threshold: pure Java");
    // an offset slice, as a payload inside a bzImage is passed
    byte[] framed = concat(new byte[] {1, 2, 3}, kernelXz, new byte[] {9});
    assertArrayEquals(plain, read(framed, 3, kernelXz.length, DecompressionLimits.defaults(), tool, 1 << 20).bytes());
    assertEquals(1, tool.accepted());
  }

  @Test
  void concatenatedStreamsAndStreamPaddingAreAcceptedOrRefusedAsInJava() throws Exception {
    byte[] a = xz(Arrays.copyOf(plain, 2_000_000), "--check=crc64");
    byte[] b = xz(Arrays.copyOfRange(plain, 2_000_000, 3_000_000), "--check=sha256", "-T2", "--block-size=256KiB");
    NativeXz tool = tool();
    byte[][] good = {
        concat(a, b),
        concat(a, new byte[4], b),
        concat(a, new byte[8]),
        concat(a, new byte[12], b, new byte[4])};
    for (byte[] xz : good) {
      Outcome o = both(xz, DecompressionLimits.defaults(), tool, "good " + xz.length);
      assertNull(o.error(), o.toString());
    }
    assertEquals(good.length, tool.accepted(), "each decoded by the tool");
    byte[][] bad = {
        concat(a, new byte[3]),
        concat(a, new byte[5], b),
        concat(a, new byte[] {'x'}),
        concat(a, new byte[] {0, 0, 0, 1}),
        concat(new byte[4], a),
        concat(a, Arrays.copyOf(b, b.length - 1))};
    for (byte[] xz : bad) {
      assertNotNull(both(xz, DecompressionLimits.defaults(), tool, "bad " + xz.length).error());
    }
  }

  @Test
  void corruptedOrTruncatedPayloadsFailWithTheSameExceptionAndMessage() {
    NativeXz tool = tool();
    Random r = new Random(3);
    for (int i = 0; i < 25; i++) {
      byte[] bad = kernelXz.clone();
      int at = r.nextInt(bad.length);
      bad[at] ^= (byte) (1 << r.nextInt(8));
      assertNotNull(both(bad, DecompressionLimits.defaults(), tool, "flip at " + at).error(), "flip at " + at);
    }
    for (int cut : new int[] {0, 5, 13, 100, kernelXz.length / 2, kernelXz.length - 30, kernelXz.length - 1}) {
      byte[] truncated = Arrays.copyOf(kernelXz, cut);
      assertNotNull(both(truncated, DecompressionLimits.defaults(), tool, "cut at " + cut).error(), "cut " + cut);
    }
    // the last check byte: only liblzma's (or Java's) CRC32 can see it
    byte[] check = kernelXz.clone();
    int footer = check.length - 12;
    int backward = ((check[footer + 4] & 0xff) | (check[footer + 5] & 0xff) << 8) + 1;
    check[footer - backward * 4 - 1] ^= 0x40;
    Outcome o = both(check, DecompressionLimits.defaults(), tool, "check flipped");
    assertNotNull(o.error());
    assertEquals(0, tool.accepted(), "the tool never had the last word on damaged input");
  }

  @Test
  void outputAboveTheCapIsABombWithTheJavaMessageBothWays() {
    NativeXz tool = tool();
    DecompressionLimits tight = DecompressionLimits.defaults().withMaxOutputBytes(plain.length - 1)
        .withDescription("payload of test");
    Outcome o = both(kernelXz, tight, tool, "cap");
    assertEquals(DecompressionBombException.class, o.error());
    DecompressionLimits exact = DecompressionLimits.defaults().withMaxOutputBytes(plain.length);
    assertArrayEquals(plain, both(kernelXz, exact, tool, "exactly the cap").bytes());
    assertEquals(1, tool.accepted(), "the one within its cap");
  }

  @Test
  void aRatioTheJavaDecodeWouldTripMidStreamIsTrippedBothWays() throws Exception {
    // 4 MiB of zeros (a few hundred compressed bytes), then 3 MiB of noise: the whole file's ratio
    // is small, but a Java decode checks it after each read, and trips early in the zeros
    byte[] noise = new byte[3 << 20];
    new Random(5).nextBytes(noise);
    byte[] data = concat(new byte[4 << 20], noise);
    byte[] xz = xz(data, "--check=crc64");
    DecompressionLimits limits = DecompressionLimits.defaults().withRatioCheckAfterBytes(1 << 20).withMaxRatio(20);
    assertTrue(data.length / xz.length < 20, "the file as a whole is within the ratio");
    NativeXz tool = tool();
    Outcome o = both(xz, limits, tool, "ratio");
    assertEquals(DecompressionBombException.class, o.error());
    assertTrue(o.message().contains("expands more than 20:1"), o.message());
    assertEquals(0, tool.accepted() + tool.refused(), "the layout showed the trip: the tool was not asked");
    // the same file within a looser ratio: the tool decodes it
    DecompressionLimits loose = limits.withMaxRatio(1_000_000);
    assertArrayEquals(data, both(xz, loose, tool, "loose").bytes());
    assertEquals(1, tool.accepted());
  }

  @Test
  void theLayoutBoundsEveryRatioAJavaDecodeChecks() throws Exception {
    // the bound against the real thing: the largest ratio LimitedInputStream sees while Java reads
    byte[] noise = new byte[1 << 20];
    new Random(9).nextBytes(noise);
    List<byte[]> files = new ArrayList<>(List.of(kernelXz,
        xz(concat(new byte[2 << 20], noise, new byte[2 << 20]), "--check=crc32"),
        xz(concat(noise, new byte[3 << 20]), "-T2", "--block-size=1MiB")));
    for (byte[] f : files) {
      XzLayout.Bound bound = XzLayout.walk(f, 0, f.length, 0);
      assertNotNull(bound);
      // a limit at the bound: the Java decode, checking after every read from the first byte, never trips
      long ratio = Math.max(1, bound.worstRatio());
      DecompressionLimits at = DecompressionLimits.defaults().withRatioCheckAfterBytes(0).withMaxRatio(ratio);
      assertNull(read(f, at, null).error(), "ratio " + ratio);
    }
    assertNull(XzLayout.walk(Arrays.copyOf(kernelXz, kernelXz.length - 1), 0, kernelXz.length - 1, 0));
  }

  @Test
  void theToolsOutputIsReadNoFurtherThanTheCapAndTheToolKilled() {
    long start = System.nanoTime();
    assertNull(found.decodeFile(kernelXz, 0, kernelXz.length, 16, 1000, 64 << 20), "more than 1000 bytes");
    assertTrue(System.nanoTime() - start < 30_000_000_000L);
    NativeXz.Decoded d = found.decodeFile(kernelXz, 0, kernelXz.length, 16, plain.length, 64 << 20);
    assertNotNull(d, "exactly the cap");
    assertArrayEquals(plain, Arrays.copyOf(d.bytes(), d.length()));
  }
}
