package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.testing.RealBtf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A split blob's validation reads its base's types through a table made once per base (chains,
 * sizes, member shapes): it must give exactly what reading them through the blobs gives, on real
 * modules on their own and on the other build's vmlinux (where most checks report), and on
 * mutants whose words name ids around the base's end.
 */
class BaseTypeTableTest {
  private static final int CAP = 1000;

  @Test
  void modulesAndTheirMutantsValidateAlikeWithAndWithoutTheBaseTable() throws BtfFormatException {
    Random rnd = new Random(11);
    int compared = 0;
    long problems = 0;
    for (String built : List.of(RealBtf.R53, RealBtf.R47)) {
      for (String fixture : RealBtf.modules(built)) {
        byte[] module = RealBtf.moduleBtf(fixture);
        for (String on : List.of(RealBtf.R53, RealBtf.R47)) {
          Btf base = RealBtf.vmlinux(on);
          assertNotNull(base.baseTypeTable(), "a vmlinux lends its table");
          for (int m = 0; m < 300; m++) {
            byte[] blob = m == 0 ? module : mutant(module, base.endId(), rnd);
            Btf btf;
            try {
              btf = BtfParser.parse(blob, base);
            } catch (BtfFormatException e) {
              continue;
            }
            ValidationResult withTable = BtfValidator.validate(btf, CAP, true);
            ValidationResult without = BtfValidator.validate(btf, CAP, false);
            assertEquals(without.toString() + without.problems(), withTable.toString() + withTable.problems(),
                fixture + " on " + on + ", mutant " + m);
            compared++;
            problems += without.problems().size();
          }
        }
      }
    }
    assertTrue(compared > 2000, compared + " compared");
    assertTrue(problems > 1000, "the mutants must make the checks report: " + problems);
  }

  @Test
  void aBaseThatNamesAnIdPastItsEndLendsNoTable() throws BtfFormatException {
    byte[] blob = EveryKind.blob();
    Btf whole = BtfParser.parse(blob);
    assertNotNull(whole.baseTypeTable());
    // the first type is an INT; make the first PTR name an id past the end
    int ptr = firstOfKind(whole, BtfKind.PTR);
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(whole.recordOffset(ptr) + 8, whole.endId() + 5);
    assertNull(BtfParser.parse(blob).baseTypeTable());
  }

  /** vlen is 24 bits wide, as the parser reads it: a member past the 65,536th counts too. */
  @Test
  void aMemberPastTheSixteenBitVlenIsCheckedToo() throws BtfFormatException {
    int vlen = 0x10001;
    byte[] strings = "\0int\0s\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int typeLen = 16 + 12 + 12 * vlen;
    ByteBuffer b = ByteBuffer.allocate(24 + typeLen + strings.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) BtfHeader.MAGIC).put((byte) 1).put((byte) 0).putInt(24);
    b.putInt(0).putInt(typeLen).putInt(typeLen).putInt(strings.length);
    b.putInt(1).putInt(BtfKind.INT.code() << 24).putInt(4).putInt(32); // [1] int
    b.putInt(5).putInt(BtfKind.STRUCT.code() << 24 | vlen).putInt(4 * vlen); // [2] struct s
    for (int i = 0; i < vlen; i++) {
      b.putInt(0).putInt(i == vlen - 1 ? 99 : 1).putInt(32 * i); // the last member names id 99
    }
    b.put(strings);
    assertNull(BtfParser.parse(b.array()).baseTypeTable());
  }

  private static int firstOfKind(Btf btf, BtfKind kind) {
    for (int id = btf.startId(); id < btf.endId(); id++) {
      if (btf.kind(id) == kind) {
        return id;
      }
    }
    throw new AssertionError("no " + kind);
  }

  /** One to three words of the type section set to an id around the base's end, or a byte flipped. */
  private static byte[] mutant(byte[] module, int baseEnd, Random rnd) {
    byte[] b = module.clone();
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int typesAt = buf.getInt(4) + buf.getInt(8);
    int typesLen = buf.getInt(12);
    for (int f = 1 + rnd.nextInt(3); f > 0; f--) {
      int at = typesAt + (rnd.nextInt(Math.max(1, typesLen / 4)) * 4);
      if (rnd.nextInt(4) == 0) {
        b[at + rnd.nextInt(4)] ^= (byte) (1 << rnd.nextInt(8));
      } else {
        buf.putInt(at, rnd.nextBoolean() ? rnd.nextInt(baseEnd) : baseEnd - 3 + rnd.nextInt(40));
      }
    }
    return b;
  }
}
