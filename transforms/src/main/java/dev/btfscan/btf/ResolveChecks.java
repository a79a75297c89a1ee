package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The RESOLVE checks of one own type (btf_check_all_types), but its members' ({@link
 * MemberChecks}): every type id slot in range, and per kind, that what it names makes sense there
 * (modifier and VAR targets, array element and index types and size, FUNC prototypes, prototype
 * parameters and varargs, DATASEC variables, DECL_TAG targets and components); and the FUNC_PROTO
 * fast path of the meta pass.
 */
final class ResolveChecks {
  private final Btf btf;
  private final TypeTable types;
  private final NameChecks names;
  private final ProblemLog log;
  private final MemberChecks members;
  private final int start;
  private final int[] offsets;
  private final int[] infos;
  private final int[] sizeOrTypes;
  /** Own FUNC_PROTOs with a parameter that has a type and no name, by {@code id - start}. */
  final boolean[] unnamedParams;

  ResolveChecks(TypeTable types, NameChecks names, ProblemLog log, MemberChecks members) {
    this.btf = types.btf;
    this.types = types;
    this.names = names;
    this.log = log;
    this.members = members;
    this.start = types.start;
    this.offsets = types.offsets;
    this.infos = types.infos;
    this.sizeOrTypes = types.sizeOrTypes;
    this.unnamedParams = new boolean[types.end - types.start];
  }

  /**
   * The FUNC_PROTO fast path: true when MetaChecks, the slot loop and checkFuncProto would report
   * nothing for own FUNC_PROTO {@code id} (having marked {@link #unnamedParams} as the slot loop
   * does), false to run them. MetaChecks: info bits, no kind_flag, anonymous; the slots: every
   * type id in range; checkFuncProto: the return type void or {@link TypeTable#typeOk}, each
   * parameter's type {@link TypeTable#typeOk} and name an identifier or none, but a last void
   * unnamed parameter (varargs).
   */
  boolean fastProto(int id, int slot, boolean anonymousOk) {
    Btf btf = this.btf; // in locals: the loop's calls would make the fields be read again
    TypeTable types = this.types;
    NameChecks names = this.names;
    int info = infos[slot];
    int rec = offsets[slot];
    if ((info & ~(KindCodes.KIND_BITS | 0xffff)) != 0 || btf.intAt(rec) != 0 || !anonymousOk) {
      return false;
    }
    int ret = sizeOrTypes[slot];
    if (ret != 0 && !types.typeOk(ret)) {
      return false;
    }
    boolean unnamed = false;
    for (int i = 0, n = info & 0xffff; i < n; i++) {
      int name = btf.intAt(rec + 12 + 8 * i);
      int t = btf.intAt(rec + 16 + 8 * i);
      if (t == 0) {
        if (i == n - 1 && name == 0) {
          continue; // varargs
        }
        return false;
      }
      if (name == 0) {
        unnamed = true;
      } else if (!names.isIdentifierStart(name)) {
        return false;
      }
      if (!types.typeOk(t)) {
        return false;
      }
    }
    unnamedParams[slot] = unnamed;
    return true;
  }

  /** Range check of a type id slot (of those {@link TypeRefs} lists). */
  private void checkSlot(int id, BtfKind kind, int w) {
    int ref = types.word(id, w);
    if (KindCodes.metaChecksIds(kind) && Integer.compareUnsigned(ref, BtfValidator.MAX_TYPE_ID) > 0) {
      return; // reported by BtfValidator.checkMetasAndTypes
    }
    if (!btf.hasId(ref)) {
      log.error(Stage.RESOLVE, id, KindCodes.memberOfSlot(kind, w), w, "invalid type id "
          + Integer.toUnsignedString(ref) + " (" + types.lastId() + ")");
    }
  }

  /**
   * btf_check_all_types for own type {@code id} of a known kind: its type id slots in range
   * (when {@code outOfRange}, that is when one is not), then the per-kind resolve checks.
   */
  void check(int id, BtfKind kind, boolean outOfRange) {
    if (outOfRange) { // else no slot has an invalid id (BtfValidator.checkMetasAndTypes looked)
      int code = kind.code();
      for (int j = 0, n = KindCodes.slotCount(code, types.vlen(id)); j < n; j++) {
        checkSlot(id, kind, KindCodes.slotWord(code, j)); // TypeRefs.forEachTypeIdSlot's order
      }
    }
    checkResolve(id, kind);
  }

  private void checkResolve(int id, BtfKind kind) {
    switch (kind) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
        checkModifierTarget(id);
        break;
      case VAR:
        checkVarTarget(id);
        break;
      case ARRAY:
        checkArray(id);
        break;
      case STRUCT:
      case UNION:
        members.check(id);
        break;
      case FUNC:
        checkFunc(id);
        break;
      case FUNC_PROTO:
        checkFuncProto(id);
        break;
      case DATASEC:
        checkDatasecVars(id);
        break;
      case DECL_TAG:
        checkDeclTag(id);
        break;
      case INT:
      case ENUM:
      case ENUM64:
      case FWD:
      case FLOAT:
        break;
    }
  }

  /**
   * The type {@code id}'s size/type word refers to, or 0 when there is nothing more to check: void,
   * an id out of range (reported elsewhere), or a VAR/DATASEC/DECL_TAG target, reported here.
   */
  private int usableTarget(int id) {
    int next = types.sizeOrType(id);
    if (next == 0 || !btf.hasId(next)) {
      return 0;
    }
    BtfKind nk = types.kind(next);
    if (nk != null && KindCodes.sourceOnly(nk)) {
      log.error(Stage.RESOLVE, id, -1, 2, "Invalid type_id: refers to " + types.describe(next));
      return 0;
    }
    return next;
  }

  /** Modifiers and PTR: the target exists, is not a VAR/DATASEC/DECL_TAG, and is sized or void, FWD, FUNC_PROTO. */
  private void checkModifierTarget(int id) {
    int next = usableTarget(id);
    if (next == 0) {
      return;
    }
    int r = types.skipModifiers(next);
    if (r <= 0) {
      return;
    }
    BtfKind rk = types.kind(r);
    // Through an own modifier, that modifier reports it.
    boolean reportHere = r == next || !btf.isOwnId(next);
    if (reportHere && (rk == BtfKind.FUNC || (rk != null && KindCodes.sourceOnly(rk)))) {
      log.error(Stage.RESOLVE, id, -1, 2, "Invalid type_id: refers to " + types.describe(r)
          + (r != next ? " through " + types.describe(next) : "")
          + (rk == BtfKind.FUNC ? " (a FUNC is a declaration, not a type: use its FUNC_PROTO)" : ""));
    }
  }

  private void checkVarTarget(int id) {
    int next = usableTarget(id);
    if (next == 0) {
      return;
    }
    if (types.sizeOf(next) == TypeTable.NO_SIZE) {
      log.error(Stage.RESOLVE, id, -1, 2, "Invalid type_id: " + types.describe(next) + " has no size");
    }
  }

  private void checkArray(int id) {
    int index = types.word(id, 4);
    if (index != 0 && btf.hasId(index)) {
      BtfKind ik = types.kind(index);
      int r = types.skipModifiers(index);
      if (types.noSize(index) || (ik != null && KindCodes.sourceOnly(ik))
          || (r > 0 && !types.isRegularInt(r)) || r == 0) {
        log.error(Stage.RESOLVE, id, -1, 4, "Invalid index: " + types.describe(index) + " is not a regular INT");
      }
    }
    int elem = types.word(id, 3);
    if (elem == 0 || !btf.hasId(elem)) {
      return;
    }
    BtfKind ek = types.kind(elem);
    if (types.noSize(elem) || (ek != null && KindCodes.sourceOnly(ek))) {
      log.error(Stage.RESOLVE, id, -1, 3, "Invalid elem: element type " + types.describe(elem) + " has no size");
      return;
    }
    long elemSize = types.sizeOf(elem);
    if (elemSize == TypeTable.NO_SIZE) {
      log.error(Stage.RESOLVE, id, -1, 3, "Invalid elem: element type " + types.describe(elem) + " resolves to "
          + types.describe(Math.max(types.skipModifiers(elem), 0)) + ", which has no size");
      return;
    }
    int r = types.skipModifiers(elem);
    if (r > 0 && types.kind(r) == BtfKind.INT && !types.isRegularInt(r)) {
      log.error(Stage.RESOLVE, id, -1, 3, "Invalid array of int: " + types.describe(r) + " is a bitfield int");
    }
    long n = Integer.toUnsignedLong(types.word(id, 5));
    if (elemSize >= 0 && n * elemSize > 0xffffffffL) {
      log.error(Stage.RESOLVE, id, -1, 5, "Array size overflows U32_MAX: " + n + " x " + elemSize + " bytes");
    }
  }

  private void checkFunc(int id) {
    int proto = types.sizeOrType(id);
    if (!btf.hasId(proto)) {
      return;
    }
    if (proto == 0 || types.kind(proto) != BtfKind.FUNC_PROTO) {
      log.error(Stage.RESOLVE, id, -1, 2, "Invalid type_id: " + types.describe(proto) + " is not a FUNC_PROTO");
      return;
    }
    if (btf.isOwnId(proto) && proto < id && !unnamedParams[proto - start]) {
      return; // the meta pass, past the prototype already, found every parameter with a type named
    }
    int n = types.vlen(proto);
    for (int i = 0; i < n; i++) {
      if (types.word(proto, 3 + 2 * i) == 0 && types.word(proto, 4 + 2 * i) != 0) {
        log.error(Stage.RESOLVE, id, -1, 2, "Invalid arg#" + (i + 1) + ": parameter " + i + " of "
            + types.describe(proto) + " has no name (a FUNC's parameters must be named)");
        return;
      }
    }
  }

  private void checkFuncProto(int id) {
    int ret = types.sizeOrType(id);
    if (ret != 0 && btf.hasId(ret)) {
      BtfKind rk = types.kind(ret);
      if ((rk != null && KindCodes.sourceOnly(rk)) || types.sizeOf(ret) == TypeTable.NO_SIZE) {
        log.error(Stage.RESOLVE, id, -1, 2, "Invalid return type: " + types.describe(ret)
            + (rk != null && KindCodes.sourceOnly(rk) ? "" : " has no size"));
      }
    }
    int n = types.vlen(id);
    if (n == 0) {
      return;
    }
    if (types.word(id, 4 + 2 * (n - 1)) == 0) {
      if (types.word(id, 3 + 2 * (n - 1)) != 0) {
        log.error(Stage.RESOLVE, id, n - 1, 3 + 2 * (n - 1),
            "Invalid arg#" + n + ": a vararg (void) parameter cannot have a name");
      }
      n--;
    }
    for (int i = 0; i < n; i++) {
      int nw = 3 + 2 * i;
      int off = types.word(id, nw);
      if (names.isIdentifierStart(off)) {
        // in range, at a string start, an identifier: nothing to report
      } else if (!names.nameOffsetValid(off)) {
        log.error(Stage.RESOLVE, id, i, nw, "Invalid arg#" + (i + 1) + ": name_off "
            + Integer.toUnsignedString(off) + " out of range (strings end at " + btf.endStringOffset() + ")");
      } else if (off != 0) {
        if (!names.isStringStart(off)) {
          log.warning(Stage.LINT, id, i, nw, "name_off " + off + " points into the middle of a string"
              + " (reads as '" + names.shortName(off) + "'): a split blob read against the wrong base?");
        }
        String why = names.identifierProblem(off);
        if (why != null) {
          log.error(Stage.RESOLVE, id, i, nw, "Invalid arg#" + (i + 1) + ": " + why);
        }
      }
      int w = 4 + 2 * i;
      int t = types.word(id, w);
      if (!btf.hasId(t)) {
        continue;
      }
      if (t == 0) {
        log.error(Stage.RESOLVE, id, i, w, "Invalid arg#" + (i + 1) + ": void parameter before the last (varargs only last)");
        continue;
      }
      BtfKind tk = types.kind(t);
      if (tk != null && KindCodes.sourceOnly(tk)) {
        log.error(Stage.RESOLVE, id, i, w, "Invalid arg#" + (i + 1) + ": parameter type " + types.describe(t));
      } else if (types.sizeOf(t) == TypeTable.NO_SIZE) {
        log.error(Stage.RESOLVE, id, i, w, "Invalid arg#" + (i + 1) + ": parameter type " + types.describe(t) + " has no size");
      }
    }
  }

  private void checkDatasecVars(int id) {
    int vlen = types.vlen(id);
    for (int i = 0; i < vlen; i++) {
      int w = 3 + 3 * i;
      int var = types.word(id, w);
      if (var == 0 || !btf.hasId(var)) {
        continue;
      }
      BtfKind vk = types.kind(var);
      if (vk != BtfKind.VAR) {
        log.typeProblem(vk == BtfKind.FUNC ? Severity.WARNING : Severity.ERROR, Stage.RESOLVE, id, i, w,
            "Not a VAR kind member: " + types.describe(var)
                + (vk == BtfKind.FUNC ? " (an extern function; libbpf strips these before loading)" : ""));
        continue;
      }
      int vt = types.sizeOrType(var);
      if (vt == 0 || !btf.hasId(vt)) {
        continue;
      }
      long tsize = types.sizeOf(vt);
      long vsize = Integer.toUnsignedLong(types.word(id, w + 2));
      if (tsize >= 0 && vsize < tsize) {
        log.error(Stage.RESOLVE, id, i, w + 2, "Invalid size: " + vsize + " bytes for a variable of type "
            + types.describe(vt) + " (" + tsize + " bytes)");
      }
    }
  }

  private void checkDeclTag(int id) {
    int target = types.sizeOrType(id);
    if (!btf.hasId(target)) {
      return;
    }
    BtfKind tk = target == 0 ? null : types.kind(target);
    if (tk != BtfKind.FUNC && tk != BtfKind.STRUCT && tk != BtfKind.UNION && tk != BtfKind.VAR
        && tk != BtfKind.TYPEDEF) {
      log.error(Stage.RESOLVE, id, -1, 2, "Invalid type_id: " + types.describe(target)
          + " cannot be tagged (FUNC, STRUCT, UNION, VAR or TYPEDEF)");
      return;
    }
    int idx = types.word(id, 3);
    if (idx == -1 || idx < -1) { // below -1: reported by MetaChecks
      return;
    }
    if (tk == BtfKind.VAR || tk == BtfKind.TYPEDEF) {
      log.error(Stage.RESOLVE, id, -1, 3, "Invalid component_idx: " + idx + " on " + types.describe(target)
          + ", which has no components (must be -1)");
      return;
    }
    long vlen;
    if (tk == BtfKind.FUNC) {
      int proto = types.sizeOrType(target);
      if (proto == 0 || !btf.hasId(proto) || types.kind(proto) != BtfKind.FUNC_PROTO) {
        return;
      }
      vlen = types.vlen(proto);
    } else {
      vlen = types.vlen(target);
    }
    if (Integer.toUnsignedLong(idx) >= vlen) {
      log.error(Stage.RESOLVE, id, -1, 3, "Invalid component_idx: " + Integer.toUnsignedString(idx)
          + " but " + types.describe(target) + " has " + vlen);
    }
  }
}
