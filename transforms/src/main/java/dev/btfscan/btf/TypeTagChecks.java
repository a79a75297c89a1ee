package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Stage;

/** The TYPE_TAGS stage: one linear pass over the own modifiers and the chains they start. */
final class TypeTagChecks {
  private TypeTagChecks() {}

  /**
   * btf_check_type_tags: modifier chains short and acyclic, type tags before other modifiers. A
   * failing chain is reported once: types whose chain runs into it are not reported again.
   */
  static void check(TypeTable types, ProblemLog log) {
    Btf btf = types.btf;
    int start = types.start;
    int end = types.end;
    byte[] kindCodes = types.kindCodes;
    int goodId = start - 1;
    boolean[] bad = null;
    for (int i = start; i < end; i++) {
      int code = kindCodes[i - start];
      if (!KindCodes.MODIFIER[code]) {
        continue;
      }
      BtfKind k = KindCodes.KIND[code];
      boolean inTags = k == BtfKind.TYPE_TAG;
      int cur = i;
      int limit = BtfValidator.MAX_CHAIN;
      String problem = null;
      while (k != null && k.isModifier()) {
        if (bad != null && btf.isOwnId(cur) && bad[cur - start]) {
          bad[i - start] = true;
          break;
        }
        if (limit-- == 0) {
          problem = "Max chain length or cycle detected: more than " + BtfValidator.MAX_CHAIN + " modifiers from here";
          break;
        }
        if (k == BtfKind.TYPE_TAG) {
          if (!inTags) {
            problem = "Type tags don't precede modifiers: " + types.describe(cur) + " follows a modifier in this chain";
            break;
          }
        } else {
          inTags = false;
        }
        if (cur <= goodId) {
          break;
        }
        int next = types.sizeOrType(cur);
        if (!btf.hasId(next)) {
          problem = "chain reaches invalid type id " + Integer.toUnsignedString(next) + " (" + types.lastId()
              + "); the kernel fails module BTF here with no message";
          break;
        }
        cur = next;
        k = types.kind(cur);
      }
      if (problem != null) {
        log.error(Stage.TYPE_TAGS, i, -1, 2, problem);
        if (bad == null) {
          bad = new boolean[end - start];
        }
        // Mark the whole chain from i (each type once) so that types running into it stay quiet.
        int c = i;
        while (btf.isOwnId(c) && !bad[c - start]) {
          bad[c - start] = true;
          BtfKind ck = types.kind(c);
          if (ck == null || !ck.isModifier()) {
            break;
          }
          c = types.sizeOrType(c);
        }
      }
      goodId = i;
    }
  }
}
