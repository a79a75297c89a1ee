package dev.btfscan.btf;

/**
 * Where a record holds type ids and string offsets, as word indexes (see {@link Btf#words}).
 *
 * <p>The one place that knows this per kind: remapping, rebasing, dedup and validation all walk
 * these slots instead of keeping their own switch. A new kind must be added here.
 */
public final class TypeRefs {
  private TypeRefs() {}

  /** Receives one slot: the word index in the record. */
  @FunctionalInterface
  public interface SlotVisitor {
    void slot(int wordIndex);
  }

  private static final int[] NONE = {};
  private static final int[] WORD_2 = {2};
  private static final int[] ARRAY_WORDS = {3, 4};

  /**
   * The fixed words (before the vlen elements) that hold a type id, in order: {2} for the
   * reference kinds and FUNC_PROTO's return type, {3, 4} for ARRAY's element and index. The array
   * is shared: callers must not change it.
   */
  public static int[] fixedTypeIdSlots(BtfKind kind) {
    if (kind == null) {
      return NONE;
    }
    switch (kind) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case FUNC:
      case VAR:
      case DECL_TAG:
      case TYPE_TAG:
      case FUNC_PROTO:
        return WORD_2;
      case ARRAY:
        return ARRAY_WORDS;
      default:
        return NONE;
    }
  }

  /**
   * The word of vlen element 0 that holds a type id (member type, parameter type, section
   * variable), or -1 when the kind's elements hold none; element {@code i}'s is that plus
   * {@code i * }{@link #elementTypeIdStride}.
   */
  public static int elementTypeIdSlot(BtfKind kind) {
    if (kind == null) {
      return -1;
    }
    switch (kind) {
      case STRUCT:
      case UNION:
      case FUNC_PROTO:
        return 4;
      case DATASEC:
        return 3;
      default:
        return -1;
    }
  }

  /** Words per vlen element for {@link #elementTypeIdSlot}: 3, or 2 for FUNC_PROTO. */
  public static int elementTypeIdStride(BtfKind kind) {
    return kind == BtfKind.FUNC_PROTO ? 2 : 3;
  }

  /**
   * Visits every word that holds a type id: {@link #fixedTypeIdSlots}, then each element's.
   * Unknown kinds have none this code can know of.
   */
  public static void forEachTypeIdSlot(BtfKind kind, int vlen, SlotVisitor v) {
    for (int w : fixedTypeIdSlots(kind)) {
      v.slot(w);
    }
    int first = elementTypeIdSlot(kind);
    if (first >= 0) {
      int stride = elementTypeIdStride(kind);
      for (int i = 0; i < vlen; i++) {
        v.slot(first + stride * i);
      }
    }
  }

  /** Visits every word that holds a string offset, the type's own name first. */
  public static void forEachNameSlot(BtfKind kind, int vlen, SlotVisitor v) {
    v.slot(0);
    if (kind == null) {
      return;
    }
    switch (kind) {
      case STRUCT:
      case UNION:
      case ENUM64:
        for (int i = 0; i < vlen; i++) {
          v.slot(3 + 3 * i);
        }
        break;
      case ENUM:
      case FUNC_PROTO:
        for (int i = 0; i < vlen; i++) {
          v.slot(3 + 2 * i);
        }
        break;
      default:
        break;
    }
  }

  /** The type-id word indexes of a record, as an array (for code that needs them more than once). */
  public static int[] typeIdSlots(BtfKind kind, int vlen) {
    Slots s = new Slots();
    forEachTypeIdSlot(kind, vlen, s);
    return s.toArray();
  }

  /** The string-offset word indexes of a record, its own name first. */
  public static int[] nameSlots(BtfKind kind, int vlen) {
    Slots s = new Slots();
    forEachNameSlot(kind, vlen, s);
    return s.toArray();
  }

  private static final class Slots implements SlotVisitor {
    private int[] slots = new int[8];
    private int count;

    @Override
    public void slot(int wordIndex) {
      if (count == slots.length) {
        slots = java.util.Arrays.copyOf(slots, count * 2);
      }
      slots[count++] = wordIndex;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(slots, count);
    }
  }
}
