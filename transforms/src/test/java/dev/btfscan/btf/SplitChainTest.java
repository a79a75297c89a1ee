package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Split BTF on split BTF: ids and string offsets continue through every level of the chain. */
class SplitChainTest {
  static int info(BtfKind kind, int vlen) {
    return kind.code() << 24 | vlen;
  }

  @Test
  void aThirdLevelResolvesIdsAndNamesThroughBothBases() throws Exception {
    BtfBuilder v = new BtfBuilder(null);
    v.addType(new int[] {v.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020}); // [1]
    Btf vmlinux = BtfParser.parse(v.build(ByteOrder.BIG_ENDIAN));

    BtfBuilder m = new BtfBuilder(vmlinux);
    m.addType(new int[] {m.addString("mod_t"), info(BtfKind.TYPEDEF, 0), 1}); // [2] -> vmlinux int
    byte[] modBytes = m.build(ByteOrder.BIG_ENDIAN);
    Btf module = BtfParser.parse(modBytes, vmlinux);

    BtfBuilder x = new BtfBuilder(module);
    int a = x.addString("a");
    int b = x.addString("b");
    x.addType(new int[] {x.addString("ext"), info(BtfKind.STRUCT, 2), 8, a, 1, 0, b, 2, 32}); // [3]
    byte[] extBytes = x.build(ByteOrder.BIG_ENDIAN);
    Btf ext = BtfParser.parse(extBytes, module);

    assertEquals(3, ext.startId());
    assertEquals(vmlinux.stringsLength() + module.stringsLength(), ext.startStringOffset());
    assertEquals("int", ext.name(ext.word(3, 4)), "member a is vmlinux's int");
    assertEquals("mod_t", ext.name(ext.word(3, 7)), "member b is the module's typedef");
    assertEquals("[3] STRUCT 'ext' size=8 vlen=2\n\t'a' type_id=1 bits_offset=0\n\t'b' type_id=2 bits_offset=32\n",
        BtfDumper.dump(ext));
    assertTrue(BtfValidator.validate(ext).isValid(), BtfValidator.validate(ext).toString());
    assertArrayEquals(extBytes, BtfWriter.write(ext));
    byte[] little = BtfWriter.write(ext, ByteOrder.LITTLE_ENDIAN);
    byte[] back = BtfWriter.write(BtfParser.parse(little, BtfParser.parse(BtfWriter.write(module, ByteOrder.LITTLE_ENDIAN),
        BtfParser.parse(BtfWriter.write(vmlinux, ByteOrder.LITTLE_ENDIAN)))), ByteOrder.BIG_ENDIAN);
    assertArrayEquals(extBytes, back);
  }
}
