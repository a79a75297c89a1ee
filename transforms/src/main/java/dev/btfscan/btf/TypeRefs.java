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

  /** Visits every word that holds a type id. Unknown kinds have none this code can know of. */
  public static void forEachTypeIdSlot(BtfKind kind, int vlen, SlotVisitor v) {
    if (kind == null) {
      return;
    }
    switch (kind) {
      case INT:
      case FLOAT:
      case FWD:
      case ENUM:
      case ENUM64:
        break;
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case FUNC:
      case VAR:
      case DECL_TAG:
      case TYPE_TAG:
        v.slot(2);
        break;
      case ARRAY:
        v.slot(3);
        v.slot(4);
        break;
      case STRUCT:
      case UNION:
        for (int i = 0; i < vlen; i++) {
          v.slot(4 + 3 * i);
        }
        break;
      case FUNC_PROTO:
        v.slot(2);
        for (int i = 0; i < vlen; i++) {
          v.slot(4 + 2 * i);
        }
        break;
      case DATASEC:
        for (int i = 0; i < vlen; i++) {
          v.slot(3 + 3 * i);
        }
        break;
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
