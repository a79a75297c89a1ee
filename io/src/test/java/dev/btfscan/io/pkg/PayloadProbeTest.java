package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.io.compress.XzCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package's payload decodes on every core exactly when it is an xz stream whose first block
 * header carries both sizes (what threaded xz writes), wherever the container puts it; anything
 * the probe cannot read is "no".
 */
class PayloadProbeTest {
  @TempDir Path tmp;

  private static Path fixture(String relative) {
    Path p = FixturePackagesTest.packagesDir().resolve(relative);
    assumeTrue(Files.isRegularFile(p), "fixture packages not built: " + p);
    return p;
  }

  @Test
  void aDebWhoseDataTarXzWasWrittenByThreadedXz() {
    assertTrue(PayloadProbe.decodesOnEveryCore(fixture("deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb")));
  }

  @Test
  void aDebWhoseDataTarIsZstd() {
    assertFalse(PayloadProbe.decodesOnEveryCore(fixture("deb/btfscan-fixture-modules_6.1.0-53_amd64.zstd.deb")));
  }

  @Test
  void rpmbuildsSingleThreadedPayloadsOfEveryCompressor() {
    for (String c : List.of("xz", "zstd", "gzip", "bzip2", "lzma")) {
      assertFalse(PayloadProbe.decodesOnEveryCore(fixture("rpm/btfscan-fixture-modules-6.1.0-53.x86_64." + c + ".rpm")), c);
    }
  }

  @Test
  void anRpmWhosePayloadIsThreadedXzAfterItsHeaders() throws Exception {
    byte[] rpm = Files.readAllBytes(fixture("rpm/btfscan-fixture-modules-6.1.0-53.x86_64.xz.rpm"));
    int payload = indexOf(rpm, XZ_MAGIC);
    byte[] threaded = xz(plain(), "-T2", "--block-size=1MiB");
    byte[] spliced = concat(Arrays.copyOf(rpm, payload), threaded);
    assertTrue(PayloadProbe.decodesOnEveryCore(write("threaded.rpm", spliced)));
    // the same headers before a single-threaded stream
    assertFalse(PayloadProbe.decodesOnEveryCore(write("single.rpm", concat(Arrays.copyOf(rpm, payload), xz(plain())))));
    // cut in the lead, the signature header, the main header, the payload's block header
    for (int cut : new int[] {50, 96 + 8, payload / 2, payload - 1, payload + 20}) {
      assertFalse(PayloadProbe.decodesOnEveryCore(write("cut" + cut + ".rpm", Arrays.copyOf(spliced, cut))), "cut at " + cut);
    }
  }

  @Test
  void aTarballCompressedByThreadedXzAndNotBySingleThreadedXz() throws Exception {
    assertTrue(PayloadProbe.decodesOnEveryCore(write("t.tar.xz", xz(plain(), "-T2", "--block-size=1MiB"))));
    assertFalse(PayloadProbe.decodesOnEveryCore(write("s.tar.xz", xz(plain()))));
    assertFalse(PayloadProbe.decodesOnEveryCore(fixture("tar/linux-6.1.0-53-cloud-amd64-x86.tar")));
    assertFalse(PayloadProbe.decodesOnEveryCore(fixture("tar/linux-6.1.0-53-cloud-amd64-x86.tar.zst")));
  }

  @Test
  void aDebCutShortBeforeItsBlockHeaderEndsIsNo() throws Exception {
    byte[] deb = Files.readAllBytes(fixture("deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb"));
    int data = indexOf(deb, XZ_MAGIC, indexOf(deb, "data.tar".getBytes(StandardCharsets.US_ASCII)));
    for (int cut : new int[] {0, 7, 100, data, data + 12, data + 13, data + 20}) {
      assertFalse(PayloadProbe.decodesOnEveryCore(write("cut" + cut + ".deb", Arrays.copyOf(deb, cut))), "cut at " + cut);
    }
    // its block header whole: enough
    assertTrue(PayloadProbe.decodesOnEveryCore(write("whole-header.deb", Arrays.copyOf(deb, data + 12 + 20))));
  }

  @Test
  void aFifoADirectoryAndAMissingFileAreNoAndNeverBlock() throws Exception {
    Path fifo = tmp.resolve("pkg.deb");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertFalse(PayloadProbe.decodesOnEveryCore(fifo)));
    assertFalse(PayloadProbe.decodesOnEveryCore(tmp));
    assertFalse(PayloadProbe.decodesOnEveryCore(tmp.resolve("missing.deb")));
  }

  @Test
  void theHostileCorpusIsProbedWithoutFailingAndOnlyIntactThreadedStartsSayYes() throws IOException {
    Path hostile = FixturePackagesTest.packagesDir().resolveSibling("hostile");
    assumeTrue(Files.isDirectory(hostile), "hostile corpus not built");
    List<String> yes = new ArrayList<>();
    try (var files = Files.list(hostile)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (PayloadProbe.decodesOnEveryCore(f)) {
          yes.add(f.getFileName().toString());
        }
      }
    }
    // both are threaded xz damaged past an intact first block header: a flipped byte in the deb's
    // data.tar.xz, a tarball cut in its third block
    assertEquals(List.of("corrupt-early.deb", "trunc-blocks.tar.xz"), yes);
  }

  private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};

  /** 4 MiB of text-like bytes: several 1 MiB blocks. */
  private static byte[] plain() {
    Random r = new Random(7);
    byte[] b = new byte[4 << 20];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ('a' + r.nextInt(8));
    }
    return b;
  }

  /** {@code xz -1 ARGS} of {@code data} (-1: fast, the blocks alike); skipped without the tool. */
  private byte[] xz(byte[] data, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-1"));
    all.addAll(List.of(args));
    return XzCli.compress("xz", tmp, data, all.toArray(new String[0]));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static int indexOf(byte[] b, byte[] what) {
    return indexOf(b, what, 0);
  }

  private static int indexOf(byte[] b, byte[] what, int from) {
    for (int i = from; i + what.length <= b.length; i++) {
      if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
