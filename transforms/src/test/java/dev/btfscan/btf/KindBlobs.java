package dev.btfscan.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small blobs built with {@link BtfBuilder} that cover every kind and kind_flag form, with
 * expected dumps committed under {@code src/test/resources/btf/} (printed by bpftool 7.1 for
 * these exact bytes).
 */
final class KindBlobs {
  private KindBlobs() {}

  static int info(BtfKind kind, int vlen, boolean kflag) {
    return (kflag ? 0x80000000 : 0) | kind.code() << 24 | vlen;
  }

  /**
   * All 19 kinds: INT encodings, bitfield members (kind_flag), FWD struct and union, unsigned and
   * signed ENUM and ENUM64, every FUNC and VAR linkage (and one unknown each), DATASEC lines
   * naming VARs and void, DECL_TAG on a type and on a member, TYPE_TAG, anonymous names.
   */
  static byte[] allKinds(ByteOrder order) {
    BtfBuilder b = new BtfBuilder(null);
    int intT = b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0, false), 4, 1 << 24 | 32});
    int charT = b.addType(new int[] {b.addString("char"), info(BtfKind.INT, 0, false), 1, 2 << 24 | 8});
    int boolT = b.addType(new int[] {b.addString("_Bool"), info(BtfKind.INT, 0, false), 1, 4 << 24 | 8});
    int uintT = b.addType(new int[] {b.addString("unsigned int"), info(BtfKind.INT, 0, false), 4, 32});
    b.addType(new int[] {b.addString("odd int"), info(BtfKind.INT, 0, false), 4, 8 << 24 | 3 << 16 | 5});
    int ptrT = b.addType(new int[] {0, info(BtfKind.PTR, 0, false), intT});
    b.addType(new int[] {0, info(BtfKind.ARRAY, 0, false), 0, intT, uintT, 10});
    int structT = b.addType(new int[] {b.addString("plain"), info(BtfKind.STRUCT, 3, false), 8,
        b.addString("a"), intT, 0,
        0, charT, 32,
        b.addString("c"), boolT, 40});
    b.addType(new int[] {b.addString("bits"), info(BtfKind.STRUCT, 3, true), 8,
        b.addString("x"), uintT, 3 << 24,
        b.addString("y"), uintT, 5 << 24 | 3,
        b.addString("whole"), uintT, 32});
    b.addType(new int[] {b.addString("u"), info(BtfKind.UNION, 2, true), 4,
        b.addString("a"), intT, 0,
        b.addString("flag"), uintT, 1 << 24 | 31});
    b.addType(new int[] {0, info(BtfKind.UNION, 1, false), 4, b.addString("a"), intT, 0});
    b.addType(new int[] {b.addString("colour"), info(BtfKind.ENUM, 3, false), 4,
        b.addString("RED"), 0, b.addString("BIG"), 0xffffffff, b.addString("BLUE"), 5});
    b.addType(new int[] {b.addString("delta"), info(BtfKind.ENUM, 2, true), 4,
        b.addString("MINUS_ONE"), -1, b.addString("MIN"), Integer.MIN_VALUE});
    b.addType(new int[] {b.addString("fs"), info(BtfKind.FWD, 0, false), 0});
    b.addType(new int[] {b.addString("fu"), info(BtfKind.FWD, 0, true), 0});
    b.addType(new int[] {b.addString("td"), info(BtfKind.TYPEDEF, 0, false), intT});
    b.addType(new int[] {0, info(BtfKind.VOLATILE, 0, false), intT});
    b.addType(new int[] {0, info(BtfKind.CONST, 0, false), intT});
    b.addType(new int[] {0, info(BtfKind.RESTRICT, 0, false), ptrT});
    int protoT = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 2, false), intT,
        b.addString("p"), intT, 0, charT});
    b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0, false), 0});
    b.addType(new int[] {b.addString("f_static"), info(BtfKind.FUNC, 0, false), protoT});
    int funcT = b.addType(new int[] {b.addString("f_global"), info(BtfKind.FUNC, 1, false), protoT});
    b.addType(new int[] {b.addString("f_extern"), info(BtfKind.FUNC, 2, false), protoT});
    b.addType(new int[] {b.addString("f_odd"), info(BtfKind.FUNC, 3, false), protoT});
    int v0 = b.addType(new int[] {b.addString("v_static"), info(BtfKind.VAR, 0, false), intT, 0});
    int v1 = b.addType(new int[] {b.addString("v_global"), info(BtfKind.VAR, 0, false), intT, 1});
    int v2 = b.addType(new int[] {b.addString("v_extern"), info(BtfKind.VAR, 0, false), intT, 2});
    b.addType(new int[] {b.addString("v_odd"), info(BtfKind.VAR, 0, false), intT, 7});
    b.addType(new int[] {b.addString(".data"), info(BtfKind.DATASEC, 3, false), 12,
        v0, 0, 4, v1, 4, 4, v2, 8, 4});
    b.addType(new int[] {0, info(BtfKind.DATASEC, 1, false), 4, 0, 0, 4});
    b.addType(new int[] {b.addString("double"), info(BtfKind.FLOAT, 0, false), 8});
    b.addType(new int[] {b.addString("on_struct"), info(BtfKind.DECL_TAG, 0, false), structT, -1});
    b.addType(new int[] {b.addString("on_member"), info(BtfKind.DECL_TAG, 0, false), structT, 1});
    b.addType(new int[] {b.addString("on_param"), info(BtfKind.DECL_TAG, 0, false), funcT, 0});
    b.addType(new int[] {b.addString("user"), info(BtfKind.TYPE_TAG, 0, false), intT});
    b.addType(new int[] {b.addString("wide"), info(BtfKind.ENUM64, 3, false), 8,
        b.addString("W_MAX"), -1, -1, b.addString("W_ONE"), 1, 0, b.addString("W_HIGH"), 0, 0x80000000});
    b.addType(new int[] {b.addString("swide"), info(BtfKind.ENUM64, 2, true), 8,
        b.addString("S_MINUS"), -1, -1, b.addString("S_MIN"), 0, 0x80000000});
    return b.build(order);
  }

  /**
   * BTF split on {@link #allKinds}: own types that use base types and base strings, a DATASEC
   * naming a base VAR and an own VAR, a type with an empty (non-zero offset) name, one with an
   * out-of-range name and a DATASEC line naming a type id that does not exist.
   */
  static byte[] splitOnAllKinds(Btf base, ByteOrder order) {
    BtfBuilder b = new BtfBuilder(base);
    int intT = 1;
    int baseVar = findByName(base, "v_global");
    int own = b.addType(new int[] {b.addString("own_struct"), info(BtfKind.STRUCT, 2, false), 8,
        b.addString("first"), intT, 0,
        findString(base, "a"), intT, 32});
    b.addType(new int[] {0, info(BtfKind.PTR, 0, false), own});
    int ownVar = b.addType(new int[] {b.addString("own_var"), info(BtfKind.VAR, 0, false), own, 0});
    b.addType(new int[] {b.addString(".bss"), info(BtfKind.DATASEC, 2, false), 16,
        baseVar, 0, 4, ownVar, 8, 8});
    // A name at the empty string's NUL of the split's own section prints '' (not '(anon)').
    int empty = b.addString("tail") + "tail".length();
    b.addType(new int[] {empty, info(BtfKind.TYPEDEF, 0, false), own});
    // A name past every string section prints '(invalid)'; a DATASEC line naming an id past the
    // last type gets no '(KIND name)' suffix.
    b.addType(new int[] {0x7ffffff0, info(BtfKind.CONST, 0, false), own});
    b.addType(new int[] {b.addString(".rodata"), info(BtfKind.DATASEC, 1, false), 4, 100000, 0, 4});
    return b.build(order);
  }

  static int findByName(Btf btf, String name) {
    for (int id = 1; id < btf.endId(); id++) {
      if (name.equals(btf.name(id))) {
        return id;
      }
    }
    throw new IllegalArgumentException("no type named " + name);
  }

  static int findString(Btf btf, String s) {
    for (int id = 1; id < btf.endId(); id++) {
      if (s.equals(btf.name(id))) {
        return btf.nameOffset(id);
      }
      int[] w = btf.words(id);
      BtfKind kind = btf.kind(id);
      int[] found = {-1};
      TypeRefs.forEachNameSlot(kind, btf.vlen(id), slot -> {
        if (found[0] < 0 && s.equals(btf.string(w[slot]))) {
          found[0] = w[slot];
        }
      });
      if (found[0] >= 0) {
        return found[0];
      }
    }
    throw new IllegalArgumentException("no string " + s);
  }

  /**
   * Re-frames a builder's 24-byte-header blob with a 32-byte header and a kind-layout section
   * describing kinds 0..{@code kinds - 1}: the known kinds as {@link BtfKind} sizes them, and
   * {@code extraInfo}/{@code extraElem} for every code beyond ENUM64.
   */
  static byte[] withLayout(byte[] classic, int kinds, int extraInfo, int extraElem, ByteOrder order) {
    ByteBuffer in = ByteBuffer.wrap(classic).order(order);
    int typeLen = in.getInt(12);
    int strLen = in.getInt(20);
    int layoutLen = kinds * KindLayout.ENTRY_SIZE;
    ByteBuffer out = ByteBuffer.allocate(BtfHeader.LAYOUT_SIZE + typeLen + strLen + layoutLen).order(order);
    out.putShort((short) BtfHeader.MAGIC).put((byte) 1).put((byte) 0).putInt(BtfHeader.LAYOUT_SIZE);
    out.putInt(0).putInt(typeLen).putInt(typeLen).putInt(strLen);
    out.putInt(typeLen + strLen).putInt(layoutLen);
    out.put(classic, BtfHeader.BASE_SIZE, typeLen + strLen);
    for (int code = 0; code < kinds; code++) {
      BtfKind k = BtfKind.of(code);
      out.put((byte) (k != null ? k.infoSize() : code == 0 ? 0 : extraInfo));
      out.put((byte) (k != null ? k.memberSize() : code == 0 ? 0 : extraElem));
      out.putShort((short) 0);
    }
    return out.array();
  }
}
