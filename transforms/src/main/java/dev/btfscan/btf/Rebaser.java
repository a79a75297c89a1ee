package dev.btfscan.btf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Moves split BTF built against one vmlinux onto another build: every base type the module
 * references is looked up in the new base (same kind, name and layout, see {@link TypeMatcher});
 * when all are found, the module is rewritten with the new ids and string offsets. When some are
 * not, the result explains each reference instead (unchanged, moved, changed, gone, and what the
 * old id wrongly lands on), which is the mismatch report a kernel engineer acts on.
 */
public final class Rebaser {
  /** How many of the module's own types are named per affected base reference. */
  private static final int MAX_USERS = 5;

  private Rebaser() {}

  /**
   * @param references every base type the module references, in id order
   * @param blob the module rebased onto the new base, or {@code null} when a reference has no
   *     equivalent there
   */
  public record Result(List<BaseReference> references, StringReferences strings, byte[] blob) {
    public long count(BaseReference.Status status) {
      return references.stream().filter(r -> r.status() == status).count();
    }

    public boolean rebased() {
      return blob != null;
    }
  }

  /**
   * Resolves {@code module} (split on its build's vmlinux) in {@code target}'s base, indexed by
   * {@code index}, and rebases it when every reference resolves.
   */
  public static Result rebase(Btf module, BaseIndex index) {
    Btf oldBase = module.base();
    Btf newBase = index.btf();
    if (oldBase == null) {
      throw new IllegalArgumentException("not split BTF");
    }
    TypeMatcher matcher = new TypeMatcher(oldBase, newBase);
    Map<Integer, List<String>> users = baseUsers(module);
    Set<Integer> byValue = PointerUses.baseIdsUsedByValue(module);
    List<BaseReference> refs = new ArrayList<>();
    Map<Integer, Integer> mapping = new HashMap<>();
    boolean complete = true;
    for (Map.Entry<Integer, List<String>> e : users.entrySet()) {
      BaseReference ref = resolve(e.getKey(), e.getValue(), !byValue.contains(e.getKey()), matcher, index);
      refs.add(ref);
      if (ref.newId() >= 0) {
        mapping.put(ref.oldId(), ref.newId());
      } else {
        complete = false;
      }
    }
    byte[] blob = complete ? rewrite(module, newBase, mapping) : null;
    return new Result(refs, StringReferences.resolve(module, index), blob);
  }

  /**
   * @param behindPointer the module only ever points at this type, so only its identity matters
   */
  private static BaseReference resolve(int oldId, List<String> usedBy, boolean behindPointer, TypeMatcher m, BaseIndex index) {
    Btf oldBase = m.from();
    Btf newBase = m.to();
    String type = TypeMatcher.describe(oldBase, oldId);
    java.util.function.IntBinaryOperator same = (x, y) -> (behindPointer ? m.equivalentBehindPointer(x, y) : m.equivalent(x, y)) ? 1 : 0;
    boolean sameHere = newBase.hasId(oldId) && same.applyAsInt(oldId, oldId) == 1;
    if (sameHere) {
      return new BaseReference(oldId, type, BaseReference.Status.UNCHANGED, oldId, null, null, List.of());
    }
    String landsOn = newBase.hasId(oldId) ? TypeMatcher.describe(newBase, oldId) : "out of range";
    if (landsOn.equals(type)) {
      landsOn = null; // same kind and name, different layout: not "wrong", just changed
    }
    int[] candidates = index.candidates(oldBase, oldId);
    for (int c : candidates) {
      if (same.applyAsInt(oldId, c) == 1) {
        return new BaseReference(oldId, type, BaseReference.Status.MOVED, c, null, landsOn, usedBy);
      }
    }
    if (candidates.length > 0) {
      return new BaseReference(oldId, type, BaseReference.Status.CHANGED, -1, m.difference(oldId, candidates[0]), landsOn, usedBy);
    }
    return new BaseReference(oldId, type, BaseReference.Status.GONE, -1, null, landsOn, usedBy);
  }

  /** Base ids the module's own types reference, each with the first few referencing places. */
  static Map<Integer, List<String>> baseUsers(Btf module) {
    Map<Integer, List<String>> users = new TreeMap<>();
    for (int id = module.startId(); id < module.endId(); id++) {
      BtfKind kind = module.kind(id);
      int vlen = module.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        int ref = module.word(id, s);
        if (ref > 0 && ref < module.startId()) {
          List<String> u = users.computeIfAbsent(ref, k -> new ArrayList<>());
          if (u.size() < MAX_USERS) {
            u.add(place(module, id, kind, s));
          }
        }
      }
    }
    return users;
  }

  /** {@code STRUCT 'foo'.member 'bar'}, {@code FUNC_PROTO '(anon)'.param 'skb'}, or the type. */
  static String place(Btf btf, int id, BtfKind kind, int slot) {
    String owner = TypeMatcher.describe(btf, id);
    if ((kind == BtfKind.STRUCT || kind == BtfKind.UNION) && slot >= 4) {
      return owner + ".member '" + nameOr(btf.string(btf.word(id, slot - 1))) + "'";
    }
    if (kind == BtfKind.FUNC_PROTO && slot >= 4) {
      return owner + ".param '" + nameOr(btf.string(btf.word(id, slot - 1))) + "'";
    }
    return owner;
  }

  private static String nameOr(String s) {
    return s == null || s.isEmpty() ? "(anon)" : s;
  }

  /** The module with base ids mapped, own ids shifted, and names re-added on the new base. */
  private static byte[] rewrite(Btf module, Btf newBase, Map<Integer, Integer> mapping) {
    BtfBuilder out = new BtfBuilder(newBase);
    int shift = newBase.endId() - module.startId();
    for (int id = module.startId(); id < module.endId(); id++) {
      int[] w = module.words(id);
      BtfKind kind = module.kind(id);
      int vlen = module.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        int ref = w[s];
        if (ref >= module.startId()) {
          w[s] = ref + shift;
        } else if (ref > 0) {
          w[s] = mapping.get(ref);
        }
      }
      for (int s : TypeRefs.nameSlots(kind, vlen)) {
        w[s] = w[s] == 0 ? 0 : out.addString(module.string(w[s]));
      }
      out.addType(w);
    }
    return out.build(newBase.order());
  }
}
