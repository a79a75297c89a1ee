package dev.btfscan.btf;

import static dev.btfscan.btf.Blobs.info;
import static dev.btfscan.btf.Blobs.infoKflag;
import static dev.btfscan.btf.Blobs.intData;

import java.nio.ByteOrder;

/** A valid standalone blob using every kind, for clean-validation and fuzz tests. */
final class EveryKind {
  private EveryKind() {}

  static BtfBuilder builder() {
    BtfBuilder b = Blobs.withInts(); // [1] int, [2] char
    int ptrChar = b.addType(new int[] {0, info(BtfKind.PTR, 0), 2}); // 3
    int arr = b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 2, 1, 16}); // 4
    int node = b.nextId(); // 5
    b.addType(new int[] {b.addString("node"), infoKflag(BtfKind.STRUCT, 5), 40,
        b.addString("v"), 1, 0, b.addString("flags"), 1, 3 << 24 | 32, b.addString("more"), 1, 5 << 24 | 35,
        b.addString("name"), arr, 64, b.addString("next"), node + 1, 192});
    b.addType(new int[] {0, info(BtfKind.PTR, 0), node}); // 6
    b.addType(new int[] {b.addString("u"), info(BtfKind.UNION, 2), 8,
        b.addString("i"), 1, 0, b.addString("p"), ptrChar, 0}); // 7
    b.addType(new int[] {b.addString("color"), info(BtfKind.ENUM, 2), 4,
        b.addString("RED"), 0, b.addString("GREEN"), 1}); // 8
    b.addType(new int[] {b.addString("later"), infoKflag(BtfKind.FWD, 0), 0}); // 9
    b.addType(new int[] {b.addString("node_t"), info(BtfKind.TYPEDEF, 0), node}); // 10
    b.addType(new int[] {0, info(BtfKind.VOLATILE, 0), 1}); // 11
    b.addType(new int[] {0, info(BtfKind.CONST, 0), 11}); // 12
    b.addType(new int[] {0, info(BtfKind.RESTRICT, 0), ptrChar}); // 13
    int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 3), 1,
        b.addString("n"), 6, b.addString("s"), 13, 0, 0}); // 14
    int func = b.addType(new int[] {b.addString("walk"), info(BtfKind.FUNC, 1), proto}); // 15
    int var = b.addType(new int[] {b.addString("head"), info(BtfKind.VAR, 0), node, 1}); // 16
    int cnt = b.addType(new int[] {b.addString("count"), info(BtfKind.VAR, 0), 12, 0}); // 17
    b.addType(new int[] {b.addString(".data"), info(BtfKind.DATASEC, 2), 48, var, 0, 40, cnt, 40, 4}); // 18
    b.addType(new int[] {b.addString("double"), info(BtfKind.FLOAT, 0), 8}); // 19
    b.addType(new int[] {b.addString("nonnull"), info(BtfKind.DECL_TAG, 0), func, 0}); // 20
    int tag = b.addType(new int[] {b.addString("user"), info(BtfKind.TYPE_TAG, 0), 2}); // 21
    b.addType(new int[] {0, info(BtfKind.PTR, 0), tag}); // 22
    b.addType(new int[] {b.addString("big"), infoKflag(BtfKind.ENUM64, 1), 8,
        b.addString("BIG"), 0xffffffff, 0x7fffffff}); // 23
    b.addType(new int[] {b.addString("later_t"), info(BtfKind.TYPEDEF, 0), 9}); // 24
    b.addType(new int[] {b.addString("nodes"), info(BtfKind.STRUCT, 1), 80, b.addString("n"), 26, 0}); // 25
    b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 10, 1, 2}); // 26
    return b;
  }

  static byte[] blob() {
    return builder().build(ByteOrder.LITTLE_ENDIAN);
  }
}
