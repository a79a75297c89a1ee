package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the xz tool installed, the blocks of a multi-block stream are decoded by it; the stream
 * gives the same bytes, and the same exception with the same message, as the pure-Java decoder,
 * whatever the tool does. Skipped where no working xz is on the PATH.
 */
class ParallelXzNativeTest {
  private static final int MEMORY_KIB = 256 * 1024;
  private static final int BLOCK = 256 << 10;

  @TempDir static Path tmp;
  static NativeXz found;
  static byte[] plain;

  @BeforeAll
  static void setUp() {
    found = NativeXz.discover();
    assumeTrue(found != null, "no working xz tool on the PATH");
    plain = ParallelXzInputStreamTest.compressible(3_000_000);
  }

  @AfterEach
  void noXzProcessOutlivesATest() {
    assertEquals(List.of(), xzChildren(), "child processes left behind");
  }

  /** A fresh native decoder on the discovered tool, so each test counts its own blocks. */
  private static NativeXz tool() {
    return new NativeXz(executable(), NativeXz.DEFAULT_TIMEOUT);
  }

  private static String executable() {
    return System.getenv("PATH") == null ? "xz" : Arrays.stream(System.getenv("PATH").split(":"))
        .map(d -> Path.of(d, "xz")).filter(Files::isExecutable).findFirst().orElseThrow().toString();
  }

  /** {@code xz -c ARGS} of {@code data}, written by the tool itself. */
  static byte[] xz(byte[] data, String... args) throws Exception {
    return XzCli.compress(executable(), tmp, data, args);
  }

  /** What a read of the whole stream gives: its bytes, or its exception's type and message. */
  record Outcome(byte[] bytes, Class<?> error, String message) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome x && Arrays.equals(bytes, x.bytes) && error == x.error
          && java.util.Objects.equals(message, x.message);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return error == null ? bytes.length + " bytes" : error.getName() + ": " + message;
    }
  }

  static Outcome read(byte[] xz, NativeXz nativeXz) {
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), MEMORY_KIB, 2, nativeXz)) {
      return new Outcome(in.readAllBytes(), null, null);
    } catch (IOException e) {
      return new Outcome(null, e.getClass(), e.getMessage());
    }
  }

  static byte[] decode(byte[] xz, NativeXz nativeXz) throws IOException {
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), MEMORY_KIB, 2, nativeXz)) {
      assertInstanceOf(ParallelXzInputStream.class, in);
      return in.readAllBytes();
    }
  }

  static int blocks(int size, int blockSize) {
    return (size + blockSize - 1) / blockSize;
  }

  @Test
  void theToolDecodesEveryBlockToTheBytesJavaGivesForEveryCheckAndDictionary() throws Exception {
    // each check with a different dictionary: below the block size (the decoder's distance limit
    // matters), at it, and above it (capped to the block by the decoder)
    String[][] cases = {{"crc32", "4KiB"}, {"crc64", "64KiB"}, {"sha256", "256KiB"}, {"none", "8MiB"}, {"crc64", "1MiB"}};
    for (String[] c : cases) {
      String check = c[0];
      String dict = c[1];
      {
        byte[] xz = xz(plain, "-T2", "--block-size=" + BLOCK, "--check=" + check, "--lzma2=preset=6,dict=" + dict);
        String what = check + ", dict " + dict;
        NativeXz tool = tool();
        byte[] viaTool = decode(xz, tool);
        assertEquals(blocks(plain.length, BLOCK), tool.accepted(), what + ": every block decoded by the tool");
        assertEquals(0, tool.refused(), what);
        assertArrayEquals(plain, viaTool, what);
        assertArrayEquals(decode(xz, null), viaTool, what + ": the same bytes as pure Java");
      }
    }
  }

  @Test
  void aToolThatPassesTheSelfTestVerifiesEachBlocksCheckItselfAndAFlippedCheckByteFailsAlike() throws Exception {
    NativeXz trusted = tool();
    assertTrue(trusted.verifiesChecks(), "the real xz verifies checks in the wrapped single-block stream");
    for (String check : List.of("crc32", "crc64", "sha256", "none")) {
      byte[] xz = xz(plain, "-T2", "--block-size=512KiB", "--check=" + check);
      NativeXz tool = tool();
      assertArrayEquals(plain, decode(xz, tool), check);
      assertEquals(blocks(plain.length, 512 << 10), tool.accepted(), check + ": every block verified by the tool");
      assertEquals(0, tool.refused(), check);
      if (check.equals("none")) {
        continue;
      }
      int checkSize = check.equals("crc32") ? 4 : check.equals("crc64") ? 8 : 32;
      int header = ((xz[12] & 0xff) + 1) * 4;
      int[] p = {14};
      long compressed = vli(xz, p);
      int checkStart = 12 + header + (int) ((compressed + 3) / 4 * 4);
      for (int at : new int[] {checkStart, checkStart + checkSize - 1}) {
        byte[] bad = xz.clone();
        bad[at] ^= 0x01;
        NativeXz flipped = tool();
        Outcome java = read(bad, null);
        assertEquals(org.tukaani.xz.CorruptedInputException.class, java.error(), check + " flip at " + at);
        assertEquals("xz block 1: " + org.tukaani.xz.check.Check.getInstance(
            check.equals("crc32") ? 1 : check.equals("crc64") ? 4 : 10).getName() + " check mismatch", java.message());
        assertEquals(java, read(bad, flipped), check + " flip at " + at);
        assertTrue(flipped.refused() >= 1, "the tool refused the block with the flipped check");
      }
    }
  }

  @Test
  void aWrappedBlockIsAValidXzStreamOfItsOwn() throws Exception {
    // the wrapper's stream, decoded by the Java XZInputStream too: header, index and footer are right
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB", "--check=crc64");
    int header = ((xz[12] & 0xff) + 1) * 4;
    int[] p = {14};
    long compressed = vli(xz, p);
    long uncompressed = vli(xz, p);
    int bodyLength = (int) ((compressed + 3) / 4 * 4) + 8;
    byte[] body = Arrays.copyOfRange(xz, 12 + header, 12 + header + bodyLength);
    java.nio.ByteBuffer[] pieces = NativeXz.wrapBlock(Arrays.copyOfRange(xz, 6, 8),
        Arrays.copyOfRange(xz, 12, 12 + header), body, compressed, uncompressed);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (java.nio.ByteBuffer piece : pieces) {
      stream.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
    }
    byte[] decoded = new org.tukaani.xz.XZInputStream(new ByteArrayInputStream(stream.toByteArray())).readAllBytes();
    assertArrayEquals(Arrays.copyOf(plain, (int) uncompressed), decoded);
  }

  @Test
  void aCorruptedBlockFailsWithTheSameExceptionAndMessageWithOrWithoutTheTool() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB");
    Random r = new Random(11);
    NativeXz tool = tool();
    for (int i = 0; i < 40; i++) {
      byte[] bad = xz.clone();
      int at = 12 + r.nextInt(bad.length - 12);
      bad[at] ^= (byte) (1 << r.nextInt(8));
      Outcome java = read(bad, null);
      assertNotNull(java.error(), "flip at " + at + " is an error in pure Java");
      assertEquals(java, read(bad, tool), "flip at " + at);
    }
    assertTrue(tool.refused() > 0, "the tool saw damaged blocks and was overruled");
  }

  @Test
  void damageTheOutputCannotShowIsRefusedAlikeAtTheEndOfEveryLzmaChunk() throws Exception {
    // A range coder's last bytes may not change what it decodes: the check cannot catch a flip
    // there, only the decoder's own end-of-chunk test can. Both decoders must refuse it alike.
    byte[] data = Arrays.copyOf(plain, 300_000);
    byte[] xz = xz(data, "-T2", "--block-size=1MiB");
    int header = ((xz[12] & 0xff) + 1) * 4;
    int[] p = {14};
    long compressed = vli(xz, p);
    int start = 12 + header;
    int end = start + (int) compressed;
    List<Integer> chunkEnds = new ArrayList<>();
    for (int at = start; xz[at] != 0; ) {
      int control = xz[at] & 0xff;
      if (control < 0x80) { // uncompressed chunk
        at += 3 + ((xz[at + 1] & 0xff) << 8 | (xz[at + 2] & 0xff)) + 1;
      } else {
        int packed = ((xz[at + 3] & 0xff) << 8 | (xz[at + 4] & 0xff)) + 1;
        at += (control >= 0xc0 ? 6 : 5) + packed;
        chunkEnds.add(at);
      }
      assertTrue(at < end, "chunks stay inside the block");
    }
    assertTrue(chunkEnds.size() >= 2, "several LZMA chunks: " + chunkEnds);
    NativeXz tool = tool();
    int unnoticed = 0;
    for (int chunkEnd : chunkEnds) {
      for (int at = chunkEnd - 4; at < chunkEnd; at++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] bad = xz.clone();
          bad[at] ^= (byte) (1 << bit);
          Outcome java = read(bad, null);
          assertEquals(java, read(bad, tool), "flip of bit " + bit + " at " + at);
          unnoticed += java.error() == null ? 1 : 0;
        }
      }
    }
    assertEquals(0, unnoticed, "every flip is an error");
    assertEquals(chunkEnds.size() * 32, tool.refused(), "each damaged block went through the tool, and was refused");
  }

  @Test
  void aTruncatedStreamFailsWithTheSameExceptionAndMessageWithOrWithoutTheTool() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB", "--check=sha256");
    NativeXz tool = tool();
    for (int cut : new int[] {13, 100, 600_000, xz.length / 2, xz.length - 40, xz.length - 13, xz.length - 1}) {
      byte[] truncated = Arrays.copyOf(xz, cut);
      Outcome java = read(truncated, null);
      assertNotNull(java.error(), "cut at " + cut);
      assertEquals(java, read(truncated, tool), "cut at " + cut);
    }
  }

  @Test
  void aBlockDeclaringFewerOrMoreBytesThanItHoldsIsRejectedTheSameWay() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB");
    for (int delta : new int[] {-1, -4096, +1}) {
      byte[] lying = withFirstBlockUncompressedSize(xz, delta);
      NativeXz tool = tool();
      Outcome java = read(lying, null);
      assertEquals(org.tukaani.xz.CorruptedInputException.class, java.error(), "declared " + delta);
      assertTrue(java.message().startsWith("xz block 1: "), java.message());
      assertEquals(java, read(lying, tool), "declared " + delta);
      assertTrue(tool.refused() >= 1, "the tool's output did not fit the header: refused");
    }
  }

  /** {@code xz} with its first block's header declaring {@code delta} more uncompressed bytes (CRC fixed). */
  private static byte[] withFirstBlockUncompressedSize(byte[] xz, int delta) {
    int size = ((xz[12] & 0xff) + 1) * 4;
    int[] p = {14};
    long compressed = vli(xz, p);
    long uncompressed = vli(xz, p);
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(xz[12]);
    h.write(xz[13]);
    writeVli(h, compressed);
    writeVli(h, uncompressed + delta);
    h.writeBytes(Arrays.copyOfRange(xz, p[0], p[0] + 3)); // filter id, properties size, properties
    while (h.size() < size - 4) {
      h.write(0);
    }
    assertEquals(size - 4, h.size(), "the new header fits the old one");
    byte[] header = Arrays.copyOf(h.toByteArray(), size);
    CRC32 crc = new CRC32();
    crc.update(header, 0, size - 4);
    for (int i = 0; i < 4; i++) {
      header[size - 4 + i] = (byte) (crc.getValue() >>> (8 * i));
    }
    byte[] out = xz.clone();
    System.arraycopy(header, 0, out, 12, size);
    return out;
  }

  private static long vli(byte[] b, int[] p) {
    long v = 0;
    for (int i = 0; ; i++) {
      int x = b[p[0]++] & 0xff;
      v |= (long) (x & 0x7f) << (7 * i);
      if ((x & 0x80) == 0) {
        return v;
      }
    }
  }

  private static void writeVli(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Test
  void theToolIsOffWhenThePropertySaysFalseOrNever() {
    String before = System.getProperty(NativeXz.PROPERTY);
    try {
      for (String off : List.of("false", "never", "NEVER")) {
        System.setProperty(NativeXz.PROPERTY, off);
        assertNull(NativeXz.configured(), off);
      }
      System.setProperty(NativeXz.PROPERTY, "auto");
      assertNotNull(NativeXz.configured(), "auto: the xz found on the PATH");
      System.clearProperty(NativeXz.PROPERTY);
      assertNotNull(NativeXz.configured(), "auto is the default");
    } finally {
      if (before == null) {
        System.clearProperty(NativeXz.PROPERTY);
      } else {
        System.setProperty(NativeXz.PROPERTY, before);
      }
    }
  }

  /** A stand-in for xz: a shell script given the real tool's path as $XZ. */
  private static NativeXz fake(String name, String script, Duration timeout) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, "#!/bin/sh\nXZ='" + executable() + "'\n" + script + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return new NativeXz(f.toString(), timeout);
  }

  @Test
  void aToolThatFailsLiesFloodsOrHangsCostsTimeButNeverChangesTheBytes() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB", "--check=crc64");
    int blocks = blocks(plain.length, 512 << 10);
    Duration t = Duration.ofMillis(300);
    List<NativeXz> tools = List.of(
        fake("fails", "cat > /dev/null; exit 1", t),
        fake("lies", "\"$XZ\" \"$@\" | tr e E", t), // right size, wrong bytes: the check catches it
        fake("short", "\"$XZ\" \"$@\" | head -c 1000", t),
        fake("floods", "exec cat /dev/zero", t),
        fake("hangs", "exec sleep 60", t),
        new NativeXz(tmp.resolve("missing").toString(), t));
    for (NativeXz tool : tools) {
      assertArrayEquals(plain, decode(xz, tool), tool + "");
      assertTrue(!tool.verifiesChecks(), tool + " is not trusted with the checks");
      assertEquals(0, tool.accepted());
      assertEquals(blocks, tool.refused(), "every block refused and decoded in Java");
      assertEquals(List.of(), xzChildren(), "nothing left running");
    }
  }

  @Test
  void closingWhileBlocksAreInTheToolKillsThem() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=512KiB");
    NativeXz hangs = fake("hangs-long", "exec sleep 60", Duration.ofSeconds(60));
    long start = System.nanoTime();
    InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), MEMORY_KIB, 2, hangs);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (xzChildren().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, xzChildren().size(), "the first block is in the tool");
    in.close();
    assertEquals(List.of(), xzChildren(), "closing killed them");
    assertTrue(System.nanoTime() - start < 30_000_000_000L, "without waiting for the tool's timeout");
  }

  @Test
  void blocksBelowTheThresholdDecodeInJavaWithoutStartingTheTool() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=64KiB");
    NativeXz tool = tool();
    long threshold = 128 << 10;

    byte[] bytes;
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), MEMORY_KIB, 2, tool, threshold)) {
      bytes = in.readAllBytes();
    }

    assertArrayEquals(plain, bytes);
    assertEquals(0, tool.accepted(), "a 64 KiB block is decoded in Java");
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz(plain, "-T2", "--block-size=256KiB")),
        MEMORY_KIB, 2, tool, threshold)) {
      assertArrayEquals(plain, in.readAllBytes());
    }
    // every full 256 KiB block goes to the tool; the last, 116,416 bytes, is decoded in Java
    assertEquals(plain.length / (256 << 10), tool.accepted(), "a 256 KiB block goes to the tool");
  }

  @Test
  void noXzProcessSurvivesADecodingFailure() throws Exception {
    byte[] xz = xz(plain, "-T2", "--block-size=256KiB");
    byte[] bad = xz.clone();
    bad[12 + 100] ^= 0x10; // inside block 1's compressed data
    Outcome viaTool = read(bad, tool());
    assertNotNull(viaTool.error());
    assertEquals(read(bad, null), viaTool);
    assertEquals(List.of(), xzChildren());
  }

  @Test
  void laterBlocksDecodeWhileTheBlockToReadNextIsStillDecoding() throws Exception {
    // Block 1 starts with SLOW; the stand-in holds such a block until three other whole blocks are
    // decoded (or 5 s have passed), and notes how many were. With two threads, three blocks may
    // queue behind the one waited for: blocks 2, 3 and 4 are decoded meanwhile, and no more.
    byte[] data = plain.clone();
    System.arraycopy("SLOW".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    for (int b = BLOCK; b < data.length; b += BLOCK) {
      assertTrue(data[b] != 'S', "only block 1 starts with SLOW");
    }
    Path marks = Files.createDirectories(tmp.resolve("marks"));
    NativeXz holdsTheFirst = holdsTheFirst("holds-the-first", marks, 100);
    byte[] xz = xz(data, "-T2", "--block-size=" + BLOCK, "--check=crc64");
    assertArrayEquals(data, decode(xz, holdsTheFirst));
    assertEquals(3, Integer.parseInt(Files.readString(marks.resolve("seen")).trim()),
        "whole blocks decoded while block 1 was");
  }

  @Test
  void theBlocksQueuedWhileTheBlockToReadNextDecodesHoldNoMoreThanTheLookAheadBytes() throws Exception {
    // Incompressible blocks, so each holds about 2 x BLOCK queued (compressed and decoded). The
    // stand-in holds block 1 (SLOW) as above; with room for 5 x BLOCK, two blocks fit behind it,
    // not the three the thread count allows: blocks 2 and 3 are decoded meanwhile, and no more.
    byte[] data = new byte[12 * BLOCK];
    new java.util.Random(7).nextBytes(data);
    System.arraycopy("SLOW".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    for (int b = BLOCK; b < data.length; b += BLOCK) {
      data[b] = 'x'; // only block 1 starts with SLOW
    }
    Path marks = Files.createDirectories(tmp.resolve("marks-bytes"));
    NativeXz holdsTheFirst = holdsTheFirst("holds-the-first-bytes", marks, 20);
    byte[] xz = xz(data, "-0", "-T2", "--block-size=" + BLOCK, "--check=crc64");
    try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), MEMORY_KIB, 2, holdsTheFirst, 0,
        5L * BLOCK)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    assertEquals(2, Integer.parseInt(Files.readString(marks.resolve("seen")).trim()),
        "whole blocks decoded while block 1 was");
  }

  /**
   * A stand-in xz that holds a block starting with SLOW until three other whole blocks are decoded
   * (or {@code polls} x 50 ms have passed), then writes how many were to {@code marks}/seen.
   */
  private static NativeXz holdsTheFirst(String name, Path marks, int polls) throws IOException {
    return fake(name, String.join("\n",
        "d='" + marks + "'",
        "o=$(mktemp \"$d/out.XXXXXX\")",
        "\"$XZ\" \"$@\" > \"$o\" || exit $?",
        "if [ \"$(head -c 4 \"$o\")\" = SLOW ]; then",
        "  i=0",
        "  while [ \"$(ls \"$d\" | grep -c '^done')\" -lt 3 ] && [ $i -lt " + polls + " ]; do sleep 0.05; i=$((i + 1)); done",
        "  ls \"$d\" | grep -c '^done' > \"$d/seen\"",
        "elif [ \"$(wc -c < \"$o\")\" -ge " + BLOCK + " ]; then",
        "  touch \"$d/done.$$\"",
        "fi",
        "cat \"$o\"",
        "rm -f \"$o\""), Duration.ofSeconds(30));
  }

  private static List<String> xzChildren() {
    return ProcessHandle.current().children()
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
        .collect(Collectors.toList());
  }
}
