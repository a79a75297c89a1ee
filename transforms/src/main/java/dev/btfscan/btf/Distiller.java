package dev.btfscan.btf;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes a distilled base for split module BTF, as libbpf's {@code btf__distill_base} does for
 * {@code pahole --btf_features=distilled_base}: the module then carries, in {@code .BTF.base},
 * just enough of the vmlinux it was built against to be relocated onto another build of it
 * ({@link DistilledRelocator}).
 *
 * <p>The facts carried over from libbpf 1.5 (and checked against pahole 1.30's output for the
 * out-of-tree fixture module):
 *
 * <ul>
 *   <li>The base types the module needs are those its own types reference, followed through
 *       their references, but not into the members of a named STRUCT/UNION or the values of a
 *       named ENUM/ENUM64: a name is enough to find those again. Only base types of kinds a
 *       module may reference qualify (no VAR, FUNC, DATASEC, DECL_TAG).
 *   <li>Of those, the named INT, FLOAT and FWD go to the distilled base as they are; named
 *       STRUCT/UNION go as the same kind with their size and no members; named ENUM and ENUM64
 *       go as an ENUM of the same size with no values. All in vmlinux id order.
 *   <li>Every other needed base type (pointers, typedefs, arrays, modifiers, prototypes,
 *       anonymous structs, unions and enums) is copied whole into the new split BTF, after the
 *       module's own types, in vmlinux id order.
 *   <li>Ids and names are rewritten for the new layout: own ids follow the distilled base's.
 * </ul>
 */
public final class Distiller {
  private Distiller() {}

  /**
   * @param base the distilled base ({@code .BTF.base} contents), standalone BTF
   * @param split the module's new {@code .BTF}, split on {@code base}
   * @param ownTypes the module's own types (at the start of {@code split})
   * @param copiedTypes vmlinux types copied whole after them
   */
  public record Result(byte[] base, byte[] split, int baseTypes, int ownTypes, int copiedTypes) {}

  /**
   * Distills {@code module}, split BTF parsed on the vmlinux it was built against.
   *
   * @throws IllegalArgumentException when {@code module} is not split, or references a base
   *     type a distilled base cannot describe (a VAR, FUNC, DATASEC or DECL_TAG of the vmlinux)
   */
  public static Result distill(Btf module) {
    Btf vmlinux = module.base();
    if (vmlinux == null) {
      throw new IllegalArgumentException("not split BTF: there is no base to distill");
    }
    int start = module.startId();
    boolean[] needed = neededBaseTypes(module);

    BtfBuilder baseOut = new BtfBuilder(null);
    int[] newId = new int[start];
    int copied = 0;
    for (int b = 1; b < start; b++) {
      if (!needed[b]) {
        continue;
      }
      int[] reduced = distilledRecord(vmlinux, b, baseOut);
      if (reduced != null) {
        newId[b] = baseOut.addType(reduced);
      } else {
        copied++;
      }
    }
    ByteOrder order = vmlinux.order();
    byte[] baseBytes = baseOut.build(order);
    Btf dist;
    try {
      dist = BtfParser.parse(baseBytes);
    } catch (BtfFormatException e) {
      throw new IllegalStateException("distilled base does not parse: " + e.getMessage(), e);
    }
    int own = module.typeCount();
    int firstOwn = dist.endId();
    int next = firstOwn + own;
    for (int b = 1; b < start; b++) {
      if (needed[b] && newId[b] == 0) {
        newId[b] = next++;
      }
    }
    BtfBuilder splitOut = new BtfBuilder(dist);
    for (int id = start; id < module.endId(); id++) {
      splitOut.addType(rewrite(module, id, start, firstOwn, newId, splitOut));
    }
    for (int b = 1; b < start; b++) {
      if (needed[b] && newId[b] >= firstOwn) {
        splitOut.addType(rewrite(module, b, start, firstOwn, newId, splitOut));
      }
    }
    return new Result(baseBytes, splitOut.build(order), dist.typeCount(), own, copied);
  }

  /** Base ids the module needs, as the class comment says; index 0 and own ids are false. */
  static boolean[] neededBaseTypes(Btf module) {
    int start = module.startId();
    boolean[] needed = new boolean[start];
    Deque<Integer> work = new ArrayDeque<>();
    for (int id = start; id < module.endId(); id++) {
      for (int s : TypeRefs.typeIdSlots(module.kind(id), module.vlen(id))) {
        int ref = module.word(id, s);
        if (ref > 0 && ref < start) {
          work.push(ref);
        }
      }
    }
    while (!work.isEmpty()) {
      int b = work.pop();
      if (needed[b]) {
        continue;
      }
      BtfKind kind = module.kind(b);
      if (!referenceable(kind)) {
        throw new IllegalArgumentException("the module references base type " + TypeMatcher.describe(module, b)
            + " [" + b + "], which a distilled base cannot describe");
      }
      needed[b] = true;
      if (module.nameOffset(b) != 0 && (kind == BtfKind.STRUCT || kind == BtfKind.UNION || kind == BtfKind.ENUM || kind == BtfKind.ENUM64)) {
        continue; // found again by name: members and values are not needed
      }
      for (int s : TypeRefs.typeIdSlots(kind, module.vlen(b))) {
        int ref = module.word(b, s);
        if (ref > 0 && ref < start && !needed[ref]) {
          work.push(ref);
        }
      }
    }
    return needed;
  }

  private static boolean referenceable(BtfKind kind) {
    if (kind == null) {
      return false;
    }
    switch (kind) {
      case VAR:
      case FUNC:
      case DATASEC:
      case DECL_TAG:
        return false;
      default:
        return true;
    }
  }

  /** The distilled-base record for vmlinux type {@code b}, or {@code null} when it is copied whole. */
  private static int[] distilledRecord(Btf vmlinux, int b, BtfBuilder out) {
    BtfKind kind = vmlinux.kind(b);
    if (vmlinux.nameOffset(b) == 0 || vmlinux.name(b) == null || !distillable(kind)) {
      return null;
    }
    int name = out.addString(vmlinux.name(b));
    switch (kind) {
      case INT:
      case FLOAT:
      case FWD: {
        int[] w = vmlinux.words(b);
        w[0] = name;
        return w;
      }
      case STRUCT:
      case UNION:
        return new int[] {name, kind.code() << 24, vmlinux.sizeOrType(b)};
      case ENUM:
      case ENUM64:
        return new int[] {name, BtfKind.ENUM.code() << 24, vmlinux.sizeOrType(b)};
      default:
        return null;
    }
  }

  private static boolean distillable(BtfKind kind) {
    return kind == BtfKind.INT || kind == BtfKind.FLOAT || kind == BtfKind.FWD || kind == BtfKind.STRUCT
        || kind == BtfKind.UNION || kind == BtfKind.ENUM || kind == BtfKind.ENUM64;
  }

  /** Type {@code id} of {@code module} (own or base) with ids and names for the new layout. */
  private static int[] rewrite(Btf module, int id, int start, int firstOwn, int[] newId, BtfBuilder out) {
    int[] w = module.words(id);
    BtfKind kind = module.kind(id);
    int vlen = module.vlen(id);
    for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
      int ref = w[s];
      if (ref >= start) {
        w[s] = ref - start + firstOwn;
      } else if (ref > 0) {
        w[s] = newId[ref];
      }
    }
    for (int s : TypeRefs.nameSlots(kind, vlen)) {
      w[s] = w[s] == 0 ? 0 : out.addString(module.string(w[s]));
    }
    return w;
  }
}
