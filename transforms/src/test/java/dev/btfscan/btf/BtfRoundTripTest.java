package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BtfWriter gives back the exact input bytes, and swapping the byte order twice is the identity;
 * a swapped blob dumps exactly like the original. Over every real fixture blob and the built ones.
 */
class BtfRoundTripTest {
  /** Big-endian copies of the vmlinux bases, so swapped modules have a base of their order. */
  private static final Map<String, Btf> SWAPPED_BASES = new ConcurrentHashMap<>();

  /** A fixture blob with the release of its vmlinux base ({@code null} standalone), or the built split blob. */
  record Blob(byte[] bytes, String baseRelease, boolean builtSplit) {}

  static Stream<Arguments> blobs() {
    List<Arguments> all = new ArrayList<>();
    for (String release : List.of(RealBtf.R53, RealBtf.R47)) {
      all.add(Arguments.of(Named.of("vmlinux " + release,
          new Blob(RealBtf.vmlinuxBytes(release), null, false))));
      for (String module : RealBtf.modules(release)) {
        all.add(Arguments.of(Named.of(module, new Blob(RealBtf.moduleBtf(module), release, false))));
      }
    }
    all.add(Arguments.of(Named.of("oot standalone",
        new Blob(Fixtures.bytes("oot/btfscan_demo-standalone.btf"), null, false))));
    all.add(Arguments.of(Named.of("oot split",
        new Blob(Fixtures.bytes("oot/btfscan_demo-split.btf"), RealBtf.R53, false))));
    all.add(Arguments.of(Named.of("oot split47",
        new Blob(Fixtures.bytes("oot/btfscan_demo-split47.btf"), RealBtf.R47, false))));
    for (String object : List.of("le64", "be64", "elf32", "elf32arm", "be32")) {
      all.add(Arguments.of(Named.of("elf/" + object + ".btf",
          new Blob(Fixtures.bytes("elf/" + object + ".btf"), null, false))));
    }
    all.add(Arguments.of(Named.of("built all-kinds", new Blob(KindBlobs.allKinds(ByteOrder.LITTLE_ENDIAN), null, false))));
    all.add(Arguments.of(Named.of("built split on all-kinds", new Blob(null, null, true))));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blobs")
  void writingInTheBlobsOwnOrderGivesBackTheInputBytes(Blob blob) throws Exception {
    Btf btf = parse(blob);
    assertArrayEquals(input(blob), BtfWriter.write(btf));
    assertArrayEquals(input(blob), BtfWriter.write(btf, btf.order()));
  }

  /** For the little-endian blobs: BIG_ENDIAN, parse, LITTLE_ENDIAN; big-endian ones the other way. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("blobs")
  void otherByteOrderThenParseThenOwnByteOrderGivesBackTheInputBytes(Blob blob) throws Exception {
    Btf btf = parse(blob);
    byte[] input = input(blob);
    ByteOrder other = other(btf.order());
    byte[] swappedBytes = BtfWriter.write(btf, other);
    assertFalse(Arrays.equals(input, swappedBytes), "swapping changed nothing");
    Btf swapped = BtfParser.parse(swappedBytes, swappedBase(blob));
    assertEquals(other, swapped.order());
    assertEquals(btf.typeCount(), swapped.typeCount());
    assertArrayEquals(input, BtfWriter.write(swapped, btf.order()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blobs")
  void theSwappedBlobDumpsExactlyLikeTheOriginal(Blob blob) throws Exception {
    Btf btf = parse(blob);
    Btf swapped = BtfParser.parse(BtfWriter.write(btf, other(btf.order())), swappedBase(blob));
    assertEquals(BtfDumper.dump(btf), BtfDumper.dump(swapped));
  }

  private static ByteOrder other(ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
  }

  private static Btf allKindsBase(ByteOrder order) throws BtfFormatException {
    return BtfParser.parse(KindBlobs.allKinds(order));
  }

  private static byte[] input(Blob blob) throws BtfFormatException {
    return blob.builtSplit()
        ? KindBlobs.splitOnAllKinds(allKindsBase(ByteOrder.LITTLE_ENDIAN), ByteOrder.LITTLE_ENDIAN)
        : blob.bytes();
  }

  private static Btf parse(Blob blob) throws BtfFormatException {
    if (blob.builtSplit()) {
      return BtfParser.parse(input(blob), allKindsBase(ByteOrder.LITTLE_ENDIAN));
    }
    return BtfParser.parse(blob.bytes(), blob.baseRelease() == null ? null : RealBtf.vmlinux(blob.baseRelease()));
  }

  private static Btf swappedBase(Blob blob) throws BtfFormatException {
    if (blob.builtSplit()) {
      return allKindsBase(ByteOrder.BIG_ENDIAN);
    }
    if (blob.baseRelease() == null) {
      return null;
    }
    Btf cached = SWAPPED_BASES.get(blob.baseRelease());
    if (cached == null) {
      cached = BtfParser.parse(
          BtfWriter.write(RealBtf.vmlinux(blob.baseRelease()), ByteOrder.BIG_ENDIAN));
      SWAPPED_BASES.put(blob.baseRelease(), cached);
    }
    return cached;
  }
}
