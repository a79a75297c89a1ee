package dev.btfscan.btf;

import java.util.HashSet;
import java.util.Set;

/**
 * Which base types a split module uses by value (embedded, as a typedef target, a parameter...)
 * rather than only through pointers. A module that only points at {@code struct device} does not
 * care that the struct grew; one that embeds it does. Qualifiers the module adds on top of a base
 * type ({@code const struct device *}) are looked through.
 */
final class PointerUses {
  private PointerUses() {}

  static Set<Integer> baseIdsUsedByValue(Btf module) {
    int start = module.startId();
    int n = module.typeCount();
    boolean[] ownByValue = new boolean[n];
    boolean[] ownReferenced = new boolean[n];
    // Direct uses: every slot except a PTR's target is a use by value.
    for (int id = start; id < module.endId(); id++) {
      BtfKind kind = module.kind(id);
      for (int s : TypeRefs.typeIdSlots(kind, module.vlen(id))) {
        int ref = module.word(id, s);
        if (ref >= start && ref < module.endId()) {
          ownReferenced[ref - start] = true;
          if (kind != BtfKind.PTR && !isQualifier(kind)) {
            ownByValue[ref - start] = true;
          }
        }
      }
    }
    // A qualifier nobody references is treated as used by value (the conservative reading);
    // a qualifier used by value passes that on to what it qualifies, through chains.
    for (int i = 0; i < n; i++) {
      if (isQualifier(module.kind(start + i)) && !ownReferenced[i]) {
        ownByValue[i] = true;
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 0; i < n; i++) {
        int id = start + i;
        if (ownByValue[i] && isQualifier(module.kind(id))) {
          int target = module.sizeOrType(id);
          if (target >= start && target < module.endId() && !ownByValue[target - start]) {
            ownByValue[target - start] = true;
            changed = true;
          }
        }
      }
    }
    Set<Integer> byValue = new HashSet<>();
    for (int id = start; id < module.endId(); id++) {
      BtfKind kind = module.kind(id);
      for (int s : TypeRefs.typeIdSlots(kind, module.vlen(id))) {
        int ref = module.word(id, s);
        if (ref <= 0 || ref >= start) {
          continue;
        }
        boolean pointerOnly = kind == BtfKind.PTR || isQualifier(kind) && !ownByValue[id - start];
        if (!pointerOnly) {
          byValue.add(ref);
        }
      }
    }
    return byValue;
  }

  private static boolean isQualifier(BtfKind k) {
    return k == BtfKind.CONST || k == BtfKind.VOLATILE || k == BtfKind.RESTRICT || k == BtfKind.TYPE_TAG;
  }
}
