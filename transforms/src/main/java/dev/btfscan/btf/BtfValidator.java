package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The checks the kernel makes on vmlinux and module BTF (kernel/bpf/btf.c), run on a parsed blob
 * so that a damaged or mismatched module gets a precise list of problems rather than the kernel's
 * single log line or its silent {@code -EINVAL}.
 *
 * <p>Only the blob's own types are checked; references into the base are checked for range and
 * for the kind they land on. What is checked, by {@link Stage}:
 *
 * <ul>
 *   <li>HEADER: the sections fill the blob after the header with no gap, overlap or trailing bytes
 *       (btf_check_sec_info), a standalone blob has types, kind-layout entries size the known
 *       kinds as they are.
 *   <li>STRINGS: the string section is last, ends with NUL, is at most 16 MiB, and a base or
 *       standalone one starts with NUL (split ones may be empty) (btf_parse_str_sec).
 *   <li>META: info bits, kind, name offsets in range, names valid where the kernel demands it, and
 *       the per-kind rules: vlen, kind_flag, INT encodings, ENUM and FLOAT sizes, FUNC and VAR
 *       linkage, struct member offsets in order and inside the struct, DATASEC variables sorted
 *       and inside the section, DECL_TAG component index, referenced ids at most BTF_MAX_TYPE.
 *   <li>TYPE_TAGS: modifier chains at most 32 long, type tags before other modifiers.
 *   <li>RESOLVE: every type id in range and pointing at a kind that makes sense where it is used
 *       (a member cannot be a FUNC, a modifier cannot name a FUNC, a FUNC names a FUNC_PROTO, a
 *       DATASEC lists VARs, ...), members fit their struct (bitfields included), arrays index by
 *       a regular int and fit in 4 GiB, prototypes have valid parameter names and varargs only
 *       last, FUNC parameters are named, and no reference cycle that does not pass through a
 *       pointer or a function prototype; as a warning, by-value nesting beyond the resolver's
 *       depth of 32.
 *   <li>LINT, as warnings: name offsets into the middle of a string (the mark of a module read
 *       against the wrong base), INT sizes other than 1, 2, 4, 8, 16.
 * </ul>
 *
 * <p>The kernel runs HEADER to TYPE_TAGS when it loads vmlinux or module BTF (see {@link
 * ValidationResult#passesLoadChecks()}); a module whose ids point at the wrong base types passes
 * them as long as its names still land on valid identifiers, which is why the LINT warnings exist.
 *
 * <p>Problems the kernel rejects on some versions only (kind_flag on tags, non-identifier section
 * names before 6.5, info bits of the 2026 widened format) are warnings. The name rules are those of
 * 6.1: identifiers are {@code [A-Za-z_.][A-Za-z0-9_.]*} shorter than 512 bytes; INT and FLOAT names
 * are not checked (INT names contain spaces).
 *
 * <p>Cost: one linear pass over the own records into arrays by id (kind code, info, size/type) and
 * one over the string section (a bit per valid identifier start), then one pass over the type
 * section that runs, per type, the META checks, the range checks of its type id slots (collecting
 * the by-value edges) and the RESOLVE checks, whose problems are held back until the TYPE_TAGS pass
 * has reported, so the report keeps the stage order. FUNC, FUNC_PROTO, STRUCT, UNION and the
 * modifiers (95% of vmlinux's types) first try a fast path that proves from a few reads (and per-id
 * memos of sizes, modifier chains and parameter types) that those checks would report nothing, and
 * skip them then; on anything else the full checks run, so the fast paths change no result. A
 * linear pass checks type tags; an iterative depth-first search with colours runs over the by-value
 * edges. A few arrays the size of the type count; nothing is allocated per type unless a problem is
 * reported, and messages are built only for problems. Any bytes that {@link BtfParser} accepts give
 * a result, never an exception.
 *
 * <p>A new kind must be added to the per-kind switches in {@code checkMeta} and {@code
 * checkResolve}; its id and name slots come from {@link TypeRefs}. A fast path must imply that
 * the full checks of its type report nothing: when in doubt, return false.
 */
public final class BtfValidator {
  /** Problems reported by {@link #validate(Btf)}; the rest are only counted. */
  public static final int DEFAULT_MAX_PROBLEMS = 100;

  /** BTF_MAX_TYPE: the largest type id the kernel accepts. */
  static final int MAX_TYPE_ID = 0x000fffff;
  /** BTF_MAX_NAME_OFFSET: the largest (global) string offset the kernel accepts. */
  static final int MAX_NAME_OFFSET = 0x00ffffff;
  /** BTF_INFO_MASK: kind (5 bits), vlen (16 bits), kind_flag. */
  static final int INFO_MASK = 0x9f00ffff;
  /** BTF_INT_MASK: encoding, offset, nr_bits. */
  static final int INT_MASK = 0x0fff00ff;
  /** KSYM_NAME_LEN since 6.1: names must be shorter. */
  static final int KSYM_NAME_LEN = 512;
  /** btf_check_type_tags' chain limit (and MAX_RESOLVE_DEPTH). */
  static final int MAX_CHAIN = 32;
  /** sizeof(void *) when the blob has no {@code long} INT to tell (libbpf assumes the same). */
  static final int DEFAULT_PTR_SIZE = 8;

  private final Btf btf;
  /** The blob's types, their memos and the words for them (the arrays below are its own). */
  private final TypeTable types;
  /** Where problems go: counted, capped, RESOLVE ones held back. */
  private final ProblemLog log;
  /** Name offsets and names: identifier starts, the kernel's name rules. */
  private final NameChecks names;
  /** check_meta per kind. */
  private final MetaChecks meta;
  private final int start;
  private final int end;
  /** The own types' record offsets in the blob's array, by {@code id - start} (Btf's own index). */
  private final int[] offsets;
  /** The own types' kind codes, info and size/type words by {@code id - start} ({@link TypeTable}). */
  private final byte[] kindCodes;
  private final int[] infos;
  private final int[] sizeOrTypes;
  private BtfValidator(Btf btf, int maxProblems) {
    this.btf = btf;
    this.types = new TypeTable(btf);
    this.log = new ProblemLog(types, maxProblems);
    this.names = new NameChecks(types, log);
    this.meta = new MetaChecks(types, names, log);
    this.start = types.start;
    this.end = types.end;
    this.offsets = types.offsets;
    this.kindCodes = types.kindCodes;
    this.infos = types.infos;
    this.sizeOrTypes = types.sizeOrTypes;
  }

  /** Validates {@code btf}'s own types, reporting the first {@link #DEFAULT_MAX_PROBLEMS}. */
  public static ValidationResult validate(Btf btf) {
    return validate(btf, DEFAULT_MAX_PROBLEMS);
  }

  /** Validates {@code btf}'s own types, reporting the first {@code maxProblems} problems. */
  public static ValidationResult validate(Btf btf, int maxProblems) {
    if (maxProblems < 0) {
      throw new IllegalArgumentException("maxProblems " + maxProblems + " < 0");
    }
    BtfValidator v = new BtfValidator(btf, maxProblems);
    SectionChecks.checkSections(btf, v.log);
    SectionChecks.checkLayout(btf, v.log);
    SectionChecks.checkStrings(btf, v.log);
    CycleSearch cycles = v.checkMetasAndTypes(); // the RESOLVE problems held back, to follow META and TYPE_TAGS
    TypeTagChecks.check(v.types, v.log);
    v.log.appendDeferred();
    cycles.run();
    return v.log.result();
  }

  // ---- per-type metas --------------------------------------------------------------------------

  /**
   * One pass over the own types: per type, check_meta, then its type id slots (TypeRefs' order)
   * for the BTF_MAX_TYPE check, the by-value edges to own types that {@link CycleSearch} searches
   * and whether one is out of range (else the range checks have nothing to report), then its
   * btf_check_all_types checks ({@link #checkTypes}), whose problems the {@link ProblemLog}
   * holds back until the TYPE_TAGS checks have run.
   */
  private CycleSearch checkMetasAndTypes() {
    int n = end - start;
    unnamedParams = new boolean[n];
    byte[] color = new byte[n];
    int[] edgeStart = new int[n + 1];
    int[] edges = new int[Math.max(16, n * 2)];
    int size = 0;
    // ids at or above this (unsigned) are out of range or above BTF_MAX_TYPE: checked closely
    int suspect = Math.min(end, MAX_TYPE_ID + 1);
    boolean anonymousOk = names.nameOffsetValid(0);
    for (int id = start; id < end; id++) {
      int slot = id - start;
      edgeStart[slot] = size;
      int code = kindCodes[slot];
      // Fast paths for FUNC and the modifiers (60% of vmlinux): when these few reads show that
      // none of the checks below can report anything, they are skipped, leaving what they would
      // leave: the type's by-value edge and its colour. Anything else takes the full checks.
      if (KindCodes.FAST_KIND[code]) {
        int info = infos[slot];
        int ref = sizeOrTypes[slot];
        int target = ref - start;
        boolean fast;
        if (code == KindCodes.FUNC_CODE) {
          // checkMeta: info bits, vlen 0 or 1, no kind_flag, name an identifier; checkFunc: an own
          // FUNC_PROTO already seen whose typed parameters are named (so in range, not a base id)
          fast = (info & ~(KindCodes.KIND_BITS | 1)) == 0 && ref >= start && ref < id
              && kindCodes[target] == KindCodes.FUNC_PROTO_CODE && !unnamedParams[target]
              && names.isIdentifierStart(btf.intAt(offsets[slot]));
        } else {
          // checkMeta: info bits, vlen 0, no kind_flag, anonymous (a TYPEDEF: an identifier);
          // the slot below BTF_MAX_TYPE and in range; checkModifierTarget: void, or an own type
          // that is no VAR, DATASEC, DECL_TAG or FUNC (through which it would report)
          int name = btf.intAt(offsets[slot]);
          fast = (info & ~KindCodes.KIND_BITS) == 0
              && (code == KindCodes.TYPEDEF_CODE ? names.isIdentifierStart(name) : name == 0 && anonymousOk)
              && (ref == 0 || (ref >= start && Integer.compareUnsigned(ref, suspect) < 0
                  && !KindCodes.BAD_MODIFIER_TARGET[kindCodes[target]]));
        }
        if (fast) {
          if (code == KindCodes.PTR_CODE) {
            color[slot] = CycleSearch.LEAF; // no by-value edge
          } else if (ref != 0) {
            if (size == edges.length) {
              edges = java.util.Arrays.copyOf(edges, edges.length * 2);
            }
            edges[size++] = target;
          }
          continue;
        }
      } else if (code == KindCodes.FUNC_PROTO_CODE && fastProto(id, slot, anonymousOk)) {
        color[slot] = CycleSearch.LEAF; // no by-value edges
        continue;
      } else if ((code == KindCodes.STRUCT_CODE || code == KindCodes.UNION_CODE)
          && fastStruct(id, slot, code == KindCodes.UNION_CODE, anonymousOk, suspect)) {
        int rec = offsets[slot];
        int vlen = infos[slot] & 0xffff;
        if (edges.length - size < vlen) {
          edges = java.util.Arrays.copyOf(edges, Math.max(edges.length * 2, size + vlen));
        }
        for (int i = 0; i < vlen; i++) { // by-value edges to own member types
          int ref = btf.intAt(rec + 16 + 12 * i);
          if (ref >= start) {
            edges[size++] = ref - start;
          }
        }
        continue;
      }
      meta.check(id);
      if (KindCodes.LEAF_KIND[code]) {
        color[slot] = CycleSearch.LEAF;
      }
      BtfKind k = KindCodes.KIND[code];
      if (k == null) {
        continue;
      }
      boolean metaIds = KindCodes.metaChecksIds(k);
      // PTR and FUNC_PROTO break cycles: their slots are no by-value edges
      boolean byValue = k != BtfKind.PTR && k != BtfKind.FUNC_PROTO;
      int[] fixed = KindCodes.FIXED_SLOTS[code];
      int first = KindCodes.ELEM_SLOT[code];
      int count = first >= 0 ? types.vlen(id) : 0;
      if (edges.length - size < fixed.length + count) {
        edges = java.util.Arrays.copyOf(edges, Math.max(edges.length * 2, size + fixed.length + count));
      }
      int rec = offsets[slot];
      int stride = KindCodes.ELEM_STRIDE[code];
      boolean proto = code == KindCodes.FUNC_PROTO_CODE;
      boolean outOfRange = false;
      for (int j = 0, total = fixed.length + count; j < total; j++) {
        int w = j < fixed.length ? fixed[j] : first + stride * (j - fixed.length);
        int ref = btf.intAt(rec + 4 * w);
        if (Integer.compareUnsigned(ref, suspect) >= 0) {
          if (Integer.compareUnsigned(ref, end) >= 0) {
            outOfRange = true;
          }
          if (metaIds && Integer.compareUnsigned(ref, MAX_TYPE_ID) > 0) {
            log.error(Stage.META, id, KindCodes.memberOfSlot(k, w), w, "Invalid type_id: "
                + Integer.toUnsignedString(ref) + " exceeds BTF_MAX_TYPE " + MAX_TYPE_ID + " (" + types.lastId() + ")");
          }
          if (byValue && ref >= start && ref < end) { // past BTF_MAX_TYPE, yet an own id
            edges[size++] = ref - start;
          }
        } else if (byValue && ref >= start) {
          edges[size++] = ref - start;
        }
        // a FUNC_PROTO parameter (type word 4 + 2i, name word 3 + 2i) with a type and no name
        if (proto && j >= fixed.length && ref != 0 && btf.intAt(rec + 4 * (w - 1)) == 0) {
          unnamedParams[slot] = true;
        }
      }
      log.startDeferring();
      checkTypes(id, k, outOfRange);
      log.stopDeferring();
    }
    edgeStart[n] = size;
    return new CycleSearch(types, log, edgeStart, edges, color);
  }

  /**
   * The FUNC_PROTO fast path: true when checkMeta, the slot loop and checkFuncProto would report
   * nothing for own FUNC_PROTO {@code id} (having marked {@link #unnamedParams} as the slot loop
   * does), false to run them. checkMeta: info bits, no kind_flag, anonymous; the slots: every
   * type id in range; checkFuncProto: the return type void or {@link TypeTable#typeOk}, each parameter's
   * type {@link TypeTable#typeOk} and name an identifier or none, but a last void unnamed parameter
   * (varargs).
   */
  private boolean fastProto(int id, int slot, boolean anonymousOk) {
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

  /**
   * The STRUCT and UNION fast path: true when checkMeta, the slot loop and checkMembers would
   * report nothing for own type {@code id}, false to run them (nothing is reported here). checkMeta:
   * info bits, the name and each member's name an identifier or none, member types not void,
   * member offsets (union members at 0, in order, inside the size); the slots: below
   * BTF_MAX_TYPE and in range; checkMembers: each member's type and what it resolves to of a
   * known sized kind that may be a member, and {@link #checkMemberPlacement} passes (a dry run).
   */
  private boolean fastStruct(int id, int slot, boolean union, boolean anonymousOk, int suspect) {
    int info = infos[slot];
    int rec = offsets[slot];
    if ((info & ~INFO_MASK) != 0) {
      return false;
    }
    int name = btf.intAt(rec);
    if (!(names.isIdentifierStart(name) || (name == 0 && anonymousOk))) {
      return false;
    }
    boolean kflag = info < 0;
    long structSize = Integer.toUnsignedLong(sizeOrTypes[slot]);
    long last = 0;
    for (int i = 0, vlen = info & 0xffff; i < vlen; i++) {
      int w = 3 + 3 * i;
      int p = rec + 4 * w;
      int mname = btf.intAt(p);
      int mtype = btf.intAt(p + 4);
      int raw = btf.intAt(p + 8);
      if (!(names.isIdentifierStart(mname) || (mname == 0 && anonymousOk))
          || mtype == 0 || Integer.compareUnsigned(mtype, suspect) >= 0) {
        return false;
      }
      long bitOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
      if ((union && bitOff != 0) || last > bitOff || (bitOff + 7) / 8 > structSize) {
        return false;
      }
      last = bitOff;
      int mc = types.kindCode(mtype);
      BtfKind mk = KindCodes.KIND[mc];
      if (mk == null || KindCodes.NO_SIZE_KIND[mc] || KindCodes.sourceOnly(mk)) {
        return false;
      }
      int r = types.skipModifiers(mtype);
      if (r <= 0) {
        return false;
      }
      int rc = types.kindCode(r);
      BtfKind rk = KindCodes.KIND[rc];
      if (rk == null || KindCodes.NO_SIZE_KIND[rc] || KindCodes.sourceOnly(rk)
          || !checkMemberPlacement(id, i, w + 2, raw, kflag, structSize, r, rk, false)) {
        return false;
      }
    }
    return true;
  }

  /** Own FUNC_PROTOs with a parameter that has a type and no name, by {@code id - start}. */
  private boolean[] unnamedParams;

  // ---- references, sizes, members --------------------------------------------------------------

  /** Range check of a type id slot (of those {@link TypeRefs} lists). */
  private void checkSlot(int id, BtfKind kind, int w) {
    int ref = types.word(id, w);
    if (KindCodes.metaChecksIds(kind) && Integer.compareUnsigned(ref, MAX_TYPE_ID) > 0) {
      return; // reported by checkMetasAndTypes
    }
    if (!btf.hasId(ref)) {
      log.error(Stage.RESOLVE, id, KindCodes.memberOfSlot(kind, w), w, "invalid type id "
          + Integer.toUnsignedString(ref) + " (" + types.lastId() + ")");
    }
  }

  /**
   * btf_check_all_types for one type of a known kind: its type id slots in range (when {@code
   * outOfRange}, that is when one is not), then the per-kind resolve checks.
   */
  private void checkTypes(int id, BtfKind kind, boolean outOfRange) {
    {
      if (outOfRange) { // else no slot has an invalid id (checkMetasAndTypes looked)
        int code = kind.code();
        for (int w : KindCodes.FIXED_SLOTS[code]) { // TypeRefs.forEachTypeIdSlot's order
          checkSlot(id, kind, w);
        }
        int first = KindCodes.ELEM_SLOT[code];
        if (first >= 0) {
          int stride = KindCodes.ELEM_STRIDE[code];
          for (int i = 0, n = types.vlen(id); i < n; i++) {
            checkSlot(id, kind, first + stride * i);
          }
        }
      }
      checkResolve(id, kind);
    }
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
        checkMembers(id);
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
      if (types.noSize(index) || (ik != null && KindCodes.sourceOnly(ik)) || (r > 0 && !types.isRegularInt(r)) || r == 0) {
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

  private void checkMembers(int id) {
    boolean kflag = (types.info(id) < 0);
    long structSize = Integer.toUnsignedLong(types.sizeOrType(id));
    int vlen = types.vlen(id);
    for (int i = 0; i < vlen; i++) {
      int w = 3 + 3 * i;
      int mtype = types.word(id, w + 1);
      if (mtype == 0 || !btf.hasId(mtype)) {
        continue;
      }
      BtfKind mk = types.kind(mtype);
      if (mk == null) {
        continue;
      }
      if (types.noSize(mtype) || KindCodes.sourceOnly(mk)) {
        log.error(Stage.RESOLVE, id, i, w + 1, "Invalid member: " + types.describe(mtype)
            + (KindCodes.sourceOnly(mk) ? " cannot be a member" : " has no size"));
        continue;
      }
      int r = types.skipModifiers(mtype);
      if (r < 0) {
        continue;
      }
      BtfKind rk = r == 0 ? null : types.kind(r);
      if (r == 0 || types.noSize(r) || (rk != null && KindCodes.sourceOnly(rk))) {
        log.error(Stage.RESOLVE, id, i, w + 1, "Invalid member: " + types.describe(mtype) + " resolves to "
            + types.describe(r) + ", which has no size");
        continue;
      }
      if (rk == null) {
        continue;
      }
      checkMemberPlacement(id, i, w + 2, types.word(id, w + 2), kflag, structSize, r, rk, true);
    }
  }

  /**
   * The per-kind check_member / check_kflag_member of the member's resolved type. Returns false
   * when it finds a problem, which it reports only when {@code report} (else it is a dry run for
   * the STRUCT fast path, which must not report).
   */
  private boolean checkMemberPlacement(int id, int i, int w, int raw, boolean kflag,
      long structSize, int r, BtfKind rk, boolean report) {
    long bitOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
    int bitfield = kflag ? raw >>> 24 : 0;
    switch (rk) {
      case INT: {
        int data = types.word(r, 3);
        int intBits = data & 0xff;
        int intOff = (data >>> 16) & 0xff;
        long nrBits;
        long start;
        if (kflag) {
          if (!types.isRegularInt(r)) {
            if (report) {
              log.error(Stage.RESOLVE, id, i, w, "Invalid member base type: " + types.describe(r)
                  + " is not a regular int, a kind_flag struct needs one");
            }
            return false;
          }
          if (bitfield == 0) {
            if (bitOff % 8 != 0) {
              if (report) {
                log.error(Stage.RESOLVE, id, i, w, "Invalid member offset: bit " + bitOff + " is not byte aligned");
              }
              return false;
            }
            nrBits = intBits;
          } else if (bitfield > intBits) {
            if (report) {
              log.error(Stage.RESOLVE, id, i, w, "Invalid member bitfield_size: " + bitfield + " bits in a "
                  + intBits + "-bit int");
            }
            return false;
          } else {
            nrBits = bitfield;
          }
          start = bitOff;
        } else {
          start = bitOff + intOff;
          nrBits = intBits;
        }
        long copyBits = nrBits + start % 8;
        if (copyBits > 128) {
          if (report) {
            log.error(Stage.RESOLVE, id, i, w, "nr_copy_bits exceeds 128: " + copyBits);
          }
          return false;
        }
        return fits(id, i, w, start / 8, (copyBits + 7) / 8, structSize, report);
      }
      case ENUM:
      case ENUM64:
        if (kflag) {
          long nrBits = bitfield;
          if (bitfield == 0) {
            if (bitOff % 8 != 0) {
              if (report) {
                log.error(Stage.RESOLVE, id, i, w, "Member is not byte aligned: bit " + bitOff);
              }
              return false;
            }
            nrBits = 32;
          } else if (bitfield > 32) {
            if (report) {
              log.error(Stage.RESOLVE, id, i, w, "Invalid member bitfield_size: " + bitfield + " bits for an enum");
            }
            return false;
          }
          long endByte = (bitOff + nrBits + 7) / 8;
          if (endByte > structSize) {
            if (report) {
              log.error(Stage.RESOLVE, id, i, w, "Member exceeds struct_size: bits [" + bitOff + ", "
                  + (bitOff + nrBits) + ") in a " + structSize + "-byte " + types.kindLabel(id));
            }
            return false;
          }
          return true;
        }
        break;
      default:
        if (bitfield != 0) {
          if (report) {
            log.error(Stage.RESOLVE, id, i, w, "Invalid member bitfield_size: " + bitfield + " bits on a "
                + types.describe(r) + " (only INT and ENUM members can be bitfields)");
          }
          return false;
        }
        break;
    }
    // Byte-sized members: STRUCT, UNION, ENUM (no kind_flag), PTR, ARRAY, FLOAT.
    long size = rk == BtfKind.PTR ? types.ptrSize : types.sizeOf(r);
    if (size < 0) {
      return true;
    }
    if (rk == BtfKind.FLOAT) {
      long align = Math.min(types.ptrSize, size) * 8;
      if (align > 0 && bitOff % align != 0) {
        if (report) {
          log.error(Stage.RESOLVE, id, i, w, "Member is not properly aligned: FLOAT at bit " + bitOff);
        }
        return false;
      }
    } else if (bitOff % 8 != 0) {
      if (report) {
        log.error(Stage.RESOLVE, id, i, w, "Member is not byte aligned: bit " + bitOff);
      }
      return false;
    }
    return fits(id, i, w, bitOff / 8, size, structSize, report);
  }

  private boolean fits(int id, int i, int w, long byteOff, long size, long structSize,
      boolean report) {
    if (byteOff > structSize || structSize - byteOff < size) {
      if (report) {
        log.error(Stage.RESOLVE, id, i, w, "Member exceeds struct_size: " + size + " bytes at byte "
            + byteOff + " in a " + structSize + "-byte " + types.kindLabel(id));
      }
      return false;
    }
    return true;
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
        log.error(Stage.RESOLVE, id, n - 1, 3 + 2 * (n - 1), "Invalid arg#" + n + ": a vararg (void) parameter cannot have a name");
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
    if (idx == -1 || idx < -1) { // below -1: reported by checkMeta
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
