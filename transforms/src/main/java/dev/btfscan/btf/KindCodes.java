package dev.btfscan.btf;

/**
 * What {@link BtfValidator} needs to know of a kind, looked up by its code (0-127, the 7 bits
 * {@link TypeTable#kindCode} reads) in arrays made once, so the per-type passes branch on a byte
 * instead of switching on a {@link BtfKind}.
 */
final class KindCodes {
  private KindCodes() {}

  /** Per kind code: its BtfKind, null for unknown codes. */
  static final BtfKind[] KIND = new BtfKind[128];
  /** Per kind code: BtfKind.isModifier. */
  static final boolean[] MODIFIER = new boolean[128];
  /** Per kind code: FWD, FUNC, FUNC_PROTO (btf_type_nosize, void apart). */
  static final boolean[] NO_SIZE_KIND = new boolean[128];
  /** Per kind code: TypeRefs' fixed type-id words, element type-id word (-1: none) and stride. */
  static final int[][] FIXED_SLOTS = new int[128][];
  static final int[] ELEM_SLOT = new int[128];
  static final int[] ELEM_STRIDE = new int[128];
  static final int PTR_CODE = BtfKind.PTR.code();
  static final int ARRAY_CODE = BtfKind.ARRAY.code();
  static final int FUNC_PROTO_CODE = BtfKind.FUNC_PROTO.code();
  static final int FUNC_CODE = BtfKind.FUNC.code();
  static final int STRUCT_CODE = BtfKind.STRUCT.code();
  static final int UNION_CODE = BtfKind.UNION.code();
  static final int TYPEDEF_CODE = BtfKind.TYPEDEF.code();
  /** The info bits of the kind (5 bits: the codes BtfKind knows fit in them). */
  static final int KIND_BITS = 0x1f000000;
  /** Per kind code: FUNC, PTR, CONST, VOLATILE, RESTRICT, TYPEDEF (checkMetasAndTypes' fast paths). */
  static final boolean[] FAST_KIND = new boolean[128];
  /** Per kind code: VAR, DATASEC, DECL_TAG, FUNC: a modifier naming one is reported. */
  static final boolean[] BAD_MODIFIER_TARGET = new boolean[128];
  /**
   * Per kind code: types of this kind have no by-value edges (unknown kinds, PTR and FUNC_PROTO,
   * which break cycles, and kinds without type id slots).
   */
  static final boolean[] LEAF_KIND = new boolean[128];
  /** Per kind code: sizeOf reads the size from word 2 (INT, STRUCT, UNION, ENUM, ENUM64, FLOAT). */
  static final boolean[] SIZE_WORD = new boolean[128];
  /** Words per vlen element between name slots (the first at word 3), 0 when elements have no names. */
  static final int[] NAME_STRIDE = new int[128];

  static {
    for (int code = 0; code < 128; code++) {
      BtfKind k = BtfKind.of(code);
      KIND[code] = k;
      MODIFIER[code] = k != null && k.isModifier();
      NO_SIZE_KIND[code] = k == BtfKind.FWD || k == BtfKind.FUNC || k == BtfKind.FUNC_PROTO;
      FIXED_SLOTS[code] = TypeRefs.fixedTypeIdSlots(k);
      ELEM_SLOT[code] = TypeRefs.elementTypeIdSlot(k);
      ELEM_STRIDE[code] = TypeRefs.elementTypeIdStride(k);
      FAST_KIND[code] = k == BtfKind.FUNC || k == BtfKind.PTR || k == BtfKind.CONST
          || k == BtfKind.VOLATILE || k == BtfKind.RESTRICT || k == BtfKind.TYPEDEF;
      BAD_MODIFIER_TARGET[code] = k == BtfKind.VAR || k == BtfKind.DATASEC
          || k == BtfKind.DECL_TAG || k == BtfKind.FUNC;
      LEAF_KIND[code] = k == null || k == BtfKind.PTR || k == BtfKind.FUNC_PROTO
          || (FIXED_SLOTS[code].length == 0 && ELEM_SLOT[code] < 0);
      int[] names = TypeRefs.nameSlots(k, 2); // {0} or {0, 3, 3 + stride}
      NAME_STRIDE[code] = names.length == 3 && names[1] == 3 ? names[2] - names[1] : 0;
      SIZE_WORD[code] = k == BtfKind.INT || k == BtfKind.STRUCT || k == BtfKind.UNION
          || k == BtfKind.ENUM || k == BtfKind.ENUM64 || k == BtfKind.FLOAT;
    }
  }

  /**
   * How many type id slots a type of kind {@code code} with {@code vlen} elements has: its fixed
   * words, then one per element ({@link TypeRefs}' order, which {@link #slotWord} numbers).
   */
  static int slotCount(int code, int vlen) {
    return FIXED_SLOTS[code].length + (ELEM_SLOT[code] >= 0 ? vlen : 0);
  }

  /** The record word of type id slot {@code j} (below {@link #slotCount}) of a type of kind {@code code}. */
  static int slotWord(int code, int j) {
    int[] fixed = FIXED_SLOTS[code];
    return j < fixed.length ? fixed[j] : ELEM_SLOT[code] + ELEM_STRIDE[code] * (j - fixed.length);
  }

  /**
   * How many name slots a type of kind {@code code} with {@code vlen} elements has: its own name,
   * then one per element ({@link TypeRefs#forEachNameSlot}'s order, which {@link #nameSlotWord}
   * numbers).
   */
  static int nameSlotCount(int code, int vlen) {
    return 1 + (NAME_STRIDE[code] > 0 ? vlen : 0);
  }

  /** The record word of name slot {@code j} (below {@link #nameSlotCount}). */
  static int nameSlotWord(int code, int j) {
    return j == 0 ? 0 : 3 + NAME_STRIDE[code] * (j - 1);
  }

  /** Kinds the kernel never lets another type name (btf_type_is_resolve_source_only). */
  static boolean sourceOnly(BtfKind k) {
    return k == BtfKind.VAR || k == BtfKind.DATASEC || k == BtfKind.DECL_TAG;
  }

  /** Kinds whose check_meta rejects referenced ids above BTF_MAX_TYPE (BTF_TYPE_ID_VALID). */
  static boolean metaChecksIds(BtfKind k) {
    return k != null && k != BtfKind.FUNC && k != BtfKind.FUNC_PROTO && k != BtfKind.DECL_TAG;
  }

  /** The vlen element a type id slot belongs to, -1 for the fixed words. */
  static int memberOfSlot(BtfKind kind, int w) {
    switch (kind) {
      case STRUCT:
      case UNION:
      case DATASEC:
        return (w - 3) / 3;
      case FUNC_PROTO:
        return w >= 3 ? (w - 3) / 2 : -1;
      default:
        return -1;
    }
  }
}
