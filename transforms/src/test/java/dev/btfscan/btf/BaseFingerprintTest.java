package dev.btfscan.btf;

import static dev.btfscan.btf.KindBlobs.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.btfscan.elf.ModuleImage;
import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

/**
 * A split module's name offsets tell the string length of the vmlinux it was built on: its own
 * strings sit at that length plus their offset in its own section.
 */
class BaseFingerprintTest {
  private static final Btf BASE = parse(Blobs.le(Blobs.withInts()), null); // strings "", "int", "char": 10 bytes

  private static Btf parse(byte[] blob, Btf base) {
    try {
      return base == null ? BtfParser.parse(blob) : BtfParser.parse(blob, base);
    } catch (BtfFormatException e) {
      throw new AssertionError(e);
    }
  }

  /** The blob split on {@link #BASE}, read as the analysis reads it first: without its base. */
  private static Btf framed(BtfBuilder split) {
    return parse(split.build(ByteOrder.LITTLE_ENDIAN), null);
  }

  private static Btf vmlinux(String release) throws IOException {
    byte[] xz = Fixtures.bytes("kernels/" + release + ".btf.xz");
    return parse(new XZInputStream(new ByteArrayInputStream(xz)).readAllBytes(), null);
  }

  private static Btf moduleBtf(String release, String module) throws Exception {
    return parse(ModuleImage.from(Fixtures.bytes("modules/" + release + "/" + module)).btf().orElseThrow(), null);
  }

  @Test
  void realModulesTellTheStringLengthOfTheVmlinuxTheyWereBuiltOn() throws Exception {
    for (String release : new String[] {"6.1.0-47-cloud-amd64", "6.1.0-53-cloud-amd64"}) {
      BaseFingerprint fp = BaseFingerprint.infer(moduleBtf(release, "af_key.ko"));
      assertEquals(vmlinux(release).stringsLength(), fp.strings(), release);
      assertEquals("every own string is referenced at base offset + " + fp.strings(), fp.evidence());
    }
  }

  @Test
  void everyOwnStringReferencedGivesTheExactLength() {
    BtfBuilder b = new BtfBuilder(BASE);
    int s = b.addType(new int[] {b.addString("alpha"), info(BtfKind.STRUCT, 1, false), 4,
        b.addString("beta"), 1, 0});
    b.addType(new int[] {b.addString("gamma"), info(BtfKind.TYPEDEF, 0, false), s});
    BaseFingerprint fp = BaseFingerprint.infer(framed(b));
    assertEquals(10, fp.strings());
    assertEquals("every own string is referenced at base offset + 10", fp.evidence());
  }

  @Test
  void anUnreferencedOwnStringLeavesTheBestLineUpAndSaysHowGoodItIs() {
    BtfBuilder b = new BtfBuilder(BASE);
    int alpha = b.addString("alpha");
    b.addString("beta"); // in the section, named by nothing
    b.addType(new int[] {alpha, info(BtfKind.STRUCT, 1, false), 4, b.addString("gamma"), 1, 0});
    BaseFingerprint fp = BaseFingerprint.infer(framed(b));
    // base 10 puts both names on string starts (2 of 3 strings); base 16 or 22 only "gamma"
    assertEquals(10, fp.strings());
    assertEquals("67% of own strings line up at base offset + 10", fp.evidence());
  }

  @Test
  void aLengthUnderWhichANameFallsInsideAStringIsRuledOut() {
    BtfBuilder b = new BtfBuilder(BASE);
    int ab = b.addString("ab");
    int cd = b.addString("cd");
    // "b", one byte into "ab": under base 10 (the last string's) it starts no string
    b.addType(new int[] {cd, info(BtfKind.STRUCT, 1, false), 4, ab + 1, 1, 0});
    BaseFingerprint fp = BaseFingerprint.infer(framed(b));
    assertEquals(13, fp.strings(), "the only length left: 'cd' as the first own string, 'b' the base's");
    assertEquals("50% of own strings line up at base offset + 13", fp.evidence());
  }

  @Test
  void theHighestTypeIdBoundsTheBaseTypeCountFromBelow() {
    BtfBuilder b = new BtfBuilder(BASE);
    b.addType(new int[] {0, info(BtfKind.PTR, 0, false), 2}); // id 3 on a base of 2 types
    b.addType(new int[] {b.addString("p"), info(BtfKind.TYPEDEF, 0, false), 3});
    BaseFingerprint fp = BaseFingerprint.infer(framed(b));
    assertEquals(1, fp.typesAtLeast(), "id 3 referenced by a blob of 2 own types: at least 1 base type");
  }

  @Test
  void aModuleWithoutNamesOfItsOwnCannotTell() {
    BtfBuilder b = new BtfBuilder(BASE);
    b.addType(new int[] {0, info(BtfKind.PTR, 0, false), 1});
    BaseFingerprint fp = BaseFingerprint.infer(framed(b));
    assertFalse(fp.hasStrings());
    assertEquals(-1, fp.strings());
  }
}
