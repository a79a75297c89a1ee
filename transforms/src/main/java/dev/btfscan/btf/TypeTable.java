package dev.btfscan.btf;

/**
 * The types of the blob {@link BtfValidator} checks, read for validation: the own types' kind
 * codes, info and size/type words in arrays by {@code id - start} (built in one linear pass over
 * the records), the words of any type (own ones straight from the blob's array by the record
 * index, base ones through {@link Btf}), and per-id memos of what the checks ask again and again:
 * the first non-modifier type of a chain, byte sizes and whether a type may be a parameter. Also
 * the words problems use for a type ({@link #describe}, {@link #kindLabel}, {@link #memberName}).
 *
 * <p>The blob does not change while it is validated, so every memo holds for the whole run. The
 * hot reads are plain final-field array accesses; the passes copy the arrays they loop over.
 */
final class TypeTable {
  /** The spellings of {@code long} whose INT size gives the pointer size (libbpf's list). */
  private static final java.util.Set<String> LONG_NAMES = java.util.Set.of(
      "long", "long int", "int long", "unsigned long", "long unsigned", "unsigned long int",
      "unsigned int long", "long unsigned int", "long int unsigned", "int unsigned long",
      "int long unsigned");
  /**
   * Hops a size computation follows before it gives up on a chain: twice the kernel's own limits,
   * so a cycle (reported apart) costs each type at most this much.
   */
  private static final int MAX_HOPS = 2 * BtfValidator.MAX_CHAIN;

  /** {@link #sizeOf} of void, FWD, FUNC, FUNC_PROTO, VAR, DATASEC, DECL_TAG and unknown kinds. */
  static final long NO_SIZE = -1;
  /** {@link #sizeOf} when a chain leaves the id range or loops. */
  static final long BAD = -2;
  /** {@link #sizeOf} past 4 GiB. */
  static final long OVERFLOW = -3;
  private static final int SKIP_BIAS = 3;

  final Btf btf;
  final int start;
  final int end;
  /** The own types' record offsets in the blob's array, by {@code id - start} (Btf's own index). */
  final int[] offsets;
  /** The own types' kind codes by {@code id - start}: 95 KB for vmlinux, where lookups stay in cache. */
  final byte[] kindCodes;
  /**
   * The own types' info and size/type words by {@code id - start}: the words read for the types a
   * record points at (sizes, modifier chains, prototypes), in arrays far smaller than the records.
   */
  final int[] infos;
  final int[] sizeOrTypes;
  /** The target's pointer size, from its {@code long}: 4 for 32-bit BTF. */
  final int ptrSize;
  /**
   * {@link #skipModifiers}' memo by {@code id - start}: 0 unknown, else its result + SKIP_BIAS (results
   * are at least -2), so a new array needs no fill.
   */
  private final int[] skipped;
  /** {@link #sizeOf}'s memo by {@code id - start}: 0 unknown, size + 1, or NO_SIZE, BAD, OVERFLOW. */
  private final int[] sizes;
  /** {@link #typeOk}'s memo by {@code id - start}: 0 unknown, 1 true, -1 false. */
  private final byte[] typeOks;
  /**
   * The base's table ({@link #forBase}, made once per base and shared by every blob split on it),
   * or null: what the checks read of base types (kinds, words, modifier chains, sizes, member
   * shapes) is found there once instead of once per module. Only where it gives what this table
   * would: the base names no id past its end (so no chain from a base type reaches this blob's
   * own types, which the base's table cannot see) and has this blob's pointer size.
   */
  private final TypeTable base;
  private final int baseStart;
  /** In a base's table: {@link MemberChecks#shapeOf} of each own type, by {@code id - start}. */
  private int[] memberShapes;

  TypeTable(Btf btf) {
    this(btf, true);
  }

  /** {@code useBaseTable} false: every base type read through the blobs (what the tests hold the table to). */
  TypeTable(Btf btf, boolean useBaseTable) {
    this(btf, useBaseTable && btf.base() != null ? btf.base().baseTypeTable() : null);
  }

  private TypeTable(Btf btf, TypeTable baseTable) {
    this.btf = btf;
    this.start = btf.startId();
    this.end = btf.endId();
    this.offsets = btf.recordOffsets();
    int n = Math.max(0, end - start);
    this.kindCodes = new byte[n];
    this.infos = new int[n];
    this.sizeOrTypes = new int[n];
    for (int i = 0; i < n; i++) {
      int info = btf.intAt(offsets[i] + 4);
      infos[i] = info;
      kindCodes[i] = (byte) ((info >>> 24) & 0x7f);
      sizeOrTypes[i] = btf.intAt(offsets[i] + 8);
    }
    this.skipped = new int[n];
    this.sizes = new int[n];
    this.typeOks = new byte[n];
    this.ptrSize = determinePtrSize(); // reads kindCodes and sizeOrTypes (not the base table yet): last
    this.base = baseTable != null && baseTable.ptrSize == ptrSize ? baseTable : null;
    this.baseStart = base == null ? 0 : base.start;
  }

  /**
   * {@code base}'s table with every memo filled and each type's member shape found, so that it is
   * never written again and blobs split on it may share it from any thread; null when it cannot
   * serve as one (it names an id past its end, or a kind this code does not know).
   */
  static TypeTable forBase(Btf base) {
    TypeTable t = new TypeTable(base);
    if (!t.namesOnlyIdsBelowItsEnd()) {
      return null;
    }
    int[] shapes = new int[t.end - t.start];
    for (int id = t.start; id < t.end; id++) {
      t.skipModifiers(id);
      t.sizeOf(id);
      t.typeOk(id);
      shapes[id - t.start] = MemberChecks.shapeOf(t, id);
    }
    t.memberShapes = shapes;
    return t;
  }

  /** Whether every type id slot of every own type is below {@link #end}, and every kind known. */
  private boolean namesOnlyIdsBelowItsEnd() {
    for (int slot = 0; slot < kindCodes.length; slot++) {
      int code = kindCodes[slot];
      if (KindCodes.KIND[code] == null) {
        return false;
      }
      int rec = offsets[slot];
      for (int j = 0, total = KindCodes.slotCount(code, vlen(start + slot)); j < total; j++) {
        if (Integer.compareUnsigned(btf.intAt(rec + 4 * KindCodes.slotWord(code, j)), end) >= 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code id} is one of the base table's types. */
  private boolean inBase(int id) {
    return base != null && id >= baseStart && id < start;
  }

  /**
   * {@link MemberChecks#shapeOf} of base type {@code id} from the base's table, or 0 (unknown)
   * when it has none or {@code id} is not its.
   */
  int baseMemberShape(int id) {
    return inBase(id) ? base.memberShapes[id - baseStart] : 0;
  }

  // ---- reading -----------------------------------------------------------------------------
  // Own types are read straight from the blob's array by the record index; base types (split
  // blobs) through Btf, which finds their owner. Same values as Btf.word and friends.

  /** Word {@code index} of type {@code id}'s record (see {@link Btf#word}). */
  int word(int id, int index) {
    int slot = id - start;
    if (slot >= 0 && id < end) {
      return btf.intAt(offsets[slot] + 4 * index);
    }
    return inBase(id) ? base.word(id, index) : btf.word(id, index);
  }

  int info(int id) {
    int slot = id - start;
    if (slot >= 0 && id < end) {
      return infos[slot];
    }
    return inBase(id) ? base.infos[id - baseStart] : btf.word(id, 1);
  }

  /** Word 2: the size or the referenced type id. */
  int sizeOrType(int id) {
    int slot = id - start;
    if (slot >= 0 && id < end) {
      return sizeOrTypes[slot];
    }
    return inBase(id) ? base.sizeOrTypes[id - baseStart] : btf.word(id, 2);
  }

  int kindCode(int id) {
    int slot = id - start;
    if (slot >= 0 && id < end) {
      return kindCodes[slot];
    }
    return inBase(id) ? base.kindCodes[id - baseStart] : id == 0 ? 0 : btf.kindCode(id);
  }

  BtfKind kind(int id) {
    return KindCodes.KIND[kindCode(id)]; // kindCode(0) is 0, which is no kind
  }

  int vlen(int id) {
    return info(id) & 0xffffff;
  }

  /**
   * The pointer size of the target, as libbpf finds it: the size of the first 4- or 8-byte INT
   * spelled like {@code long}, searching the base chain from id 1.
   */
  private int determinePtrSize() {
    for (int id = 1; id < end; id++) {
      if (kind(id) == BtfKind.INT) {
        int size = sizeOrType(id);
        String name = btf.name(id); // null for a bad name_off; Set.of rejects null lookups
        if ((size == 4 || size == 8) && name != null && LONG_NAMES.contains(name)) {
          return size;
        }
      }
    }
    return BtfValidator.DEFAULT_PTR_SIZE;
  }

  // ---- sizes and modifier chains -------------------------------------------------------------

  /** void, FWD, FUNC, FUNC_PROTO (btf_type_nosize). */
  boolean noSize(int id) {
    if (id == 0) {
      return true;
    }
    return KindCodes.NO_SIZE_KIND[kindCode(id)];
  }

  /** The first non-modifier type from {@code id}: 0 for void, -1 out of range, -2 for a loop. */
  int skipModifiers(int id) {
    // Memoized per own id (the blob does not change while it is validated): sizes and resolution
    // walk the same modifier chains again and again (JFR: 17% of the vmlinux validate time).
    int slot = id - start;
    if (slot >= 0 && slot < skipped.length) {
      int memo = skipped[slot];
      if (memo != 0) {
        return memo - SKIP_BIAS;
      }
      int r = walkModifiers(id);
      skipped[slot] = r + SKIP_BIAS;
      return r;
    }
    return inBase(id) ? base.skipModifiers(id) : walkModifiers(id);
  }

  private int walkModifiers(int id) {
    for (int hops = 0; hops < MAX_HOPS; hops++) {
      if (id == 0) {
        return 0;
      }
      if (!btf.hasId(id)) {
        return -1;
      }
      if (!KindCodes.MODIFIER[kindCode(id)]) {
        return id;
      }
      id = sizeOrType(id);
    }
    return -2;
  }

  /**
   * The byte size of type {@code id} as btf_type_id_size sees it: {@link #NO_SIZE} for void, FWD,
   * FUNC, FUNC_PROTO, VAR, DATASEC, DECL_TAG and unknown kinds, {@link #BAD} when a chain leaves the
   * id range or loops, {@link #OVERFLOW} past 4 GiB.
   */
  long sizeOf(int id) {
    // Memoized per own id, like skipModifiers (ptrSize is fixed before the first call): members,
    // parameters and variables name the same types again and again.
    if (id >= start && id < end) { // (id - start >= 0 would wrap for ids near Integer.MIN_VALUE)
      int slot = id - start;
      int memo = sizes[slot];
      if (memo != 0) {
        return memo > 0 ? memo - 1L : memo;
      }
      long size = computeSize(id);
      if (size < 0) {
        sizes[slot] = (int) size; // NO_SIZE, BAD, OVERFLOW
      } else if (size < Integer.MAX_VALUE) {
        sizes[slot] = (int) size + 1;
      }
      return size;
    }
    return inBase(id) ? base.sizeOf(id) : computeSize(id);
  }

  private long computeSize(int id) {
    long mult = 1;
    for (int hops = 0; hops < MAX_HOPS; hops++) {
      int r = skipModifiers(id);
      if (r < 0) {
        return BAD;
      }
      if (r == 0) {
        return NO_SIZE;
      }
      int code = kindCode(r);
      long size;
      if (KindCodes.SIZE_WORD[code]) { // INT, STRUCT, UNION, ENUM, ENUM64, FLOAT
        size = Integer.toUnsignedLong(sizeOrType(r));
      } else if (code == KindCodes.PTR_CODE) {
        size = ptrSize;
      } else if (code == KindCodes.ARRAY_CODE) {
        mult *= Integer.toUnsignedLong(word(r, 5));
        if (mult > 0xffffffffL) {
          return OVERFLOW;
        }
        id = word(r, 3);
        continue;
      } else {
        return NO_SIZE; // unknown kinds too
      }
      size *= mult;
      return size > 0xffffffffL ? OVERFLOW : size;
    }
    return BAD;
  }

  /** btf_type_int_is_regular: a whole u8, u16, u32, u64 or u128. */
  boolean isRegularInt(int id) {
    if (kind(id) != BtfKind.INT) {
      return false;
    }
    int data = word(id, 3);
    int bits = data & 0xff;
    int bytes = (bits + 7) / 8;
    return bits % 8 == 0 && ((data >>> 16) & 0xff) == 0
        && (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 || bytes == 16);
  }

  /**
   * Type {@code t} is in range, not void, and may be a parameter or return type: not a VAR,
   * DATASEC or DECL_TAG, and sized (checkFuncProto's tests, passed).
   */
  boolean typeOk(int t) {
    if (t <= 0 || t >= end) {
      return false;
    }
    int slot = t - start;
    if (slot >= 0) { // memoized per own id: one byte read instead of a kind and a size
      byte memo = typeOks[slot];
      if (memo != 0) {
        return memo > 0;
      }
      boolean ok = computeTypeOk(t);
      typeOks[slot] = (byte) (ok ? 1 : -1);
      return ok;
    }
    return inBase(t) ? base.typeOk(t) : computeTypeOk(t);
  }

  private boolean computeTypeOk(int t) {
    BtfKind k = KindCodes.KIND[kindCode(t)];
    return (k == null || !KindCodes.sourceOnly(k)) && sizeOf(t) != NO_SIZE;
  }

  // ---- words for problems --------------------------------------------------------------------

  String kindLabel(int id) {
    int code = kindCode(id);
    BtfKind k = BtfKind.of(code);
    return k != null ? k.label() : code == 0 ? "UNKN" : "KIND_" + code;
  }

  /** The name of member {@code m}: its name slot ({@link KindCodes#nameSlotWord}), or a DATASEC var's name. */
  String memberName(int id, int m) {
    if (m < 0) {
      return null;
    }
    int code = kindCode(id);
    if (code == BtfKind.DATASEC.code()) {
      int var = word(id, 3 + 3 * m);
      return var > 0 && btf.hasId(var) ? btf.name(var) : null;
    }
    if (m + 1 >= KindCodes.nameSlotCount(code, vlen(id))) {
      return null;
    }
    int off = word(id, KindCodes.nameSlotWord(code, m + 1));
    return off == 0 ? null : btf.string(off);
  }

  String describe(int id) {
    if (id == 0) {
      return "[0] void";
    }
    if (!btf.hasId(id)) {
      return "[" + Integer.toUnsignedString(id) + "] (out of range)";
    }
    String name = btf.name(id);
    return "[" + id + "] " + kindLabel(id) + (name == null || name.isEmpty() ? "" : " '" + name + "'");
  }

  String lastId() {
    return "last id " + (end - 1);
  }
}
