package dev.btfscan.btf;

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
 * memos of sizes, modifier chains, parameter types and member shapes) that those checks would
 * report nothing, and skip them then; on anything else the full checks run, so the fast paths
 * change no result. A linear pass checks type tags; an iterative depth-first search with colours
 * runs over the by-value edges, its stack only as deep as the search goes, started only from the
 * types with an edge to themselves or a later type (3% of vmlinux's). A few arrays the size
 * of the type count; nothing is allocated per type unless a problem is reported, and messages are
 * built only for problems. A split blob reads its base's types through the base's table, made
 * once per base with every memo filled and each type's member shape found ({@link
 * TypeTable#forBase}), so thousands of modules on one vmlinux do not walk its chains again each.
 * Any bytes that {@link BtfParser} accepts give a result, never an exception.
 *
 * <p>This class runs the stages in that order and makes the one pass over the types; the checks
 * live in package-private classes with one job each: {@link TypeTable} (the types as read for
 * validation, with the size and modifier-chain memos), {@link ProblemLog} (counts, the cap, the
 * held-back RESOLVE problems), {@link SectionChecks} (HEADER and STRINGS), {@link NameChecks}
 * (name offsets and names), {@link MetaChecks} (check_meta per kind), {@link ResolveChecks} and
 * {@link MemberChecks} (RESOLVE, with their fast paths), {@link TypeTagChecks} and {@link
 * CycleSearch}; {@link KindCodes} holds the per-kind-code tables they branch on.
 *
 * <p>A new kind must be added to the per-kind switches in {@link MetaChecks#check} and {@code
 * ResolveChecks.checkResolve}; its id and name slots come from {@link TypeRefs}. A fast path must
 * imply that the full checks of its type report nothing: when in doubt, return false.
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
  /** The RESOLVE checks of struct and union members, and their fast path. */
  private final MemberChecks members;
  /** The other RESOLVE checks (btf_check_all_types), and the FUNC_PROTO fast path. */
  private final ResolveChecks resolve;
  private final int start;
  private final int end;
  /** The own types' record offsets in the blob's array, by {@code id - start} (Btf's own index). */
  private final int[] offsets;
  /** The own types' kind codes, info and size/type words by {@code id - start} ({@link TypeTable}). */
  private final byte[] kindCodes;
  private final int[] infos;
  private final int[] sizeOrTypes;

  private BtfValidator(Btf btf, int maxProblems, boolean useBaseTable) {
    this.btf = btf;
    this.types = new TypeTable(btf, useBaseTable);
    this.log = new ProblemLog(types, maxProblems);
    this.names = new NameChecks(types, log);
    this.meta = new MetaChecks(types, names, log);
    this.members = new MemberChecks(types, names, log);
    this.resolve = new ResolveChecks(types, names, log, members);
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
    return validate(btf, maxProblems, true);
  }

  /**
   * {@code useBaseTable} false reads every base type through the blobs instead of the base's
   * shared table ({@link TypeTable#forBase}): the reference the tests hold the table to.
   */
  static ValidationResult validate(Btf btf, int maxProblems, boolean useBaseTable) {
    if (maxProblems < 0) {
      throw new IllegalArgumentException("maxProblems " + maxProblems + " < 0");
    }
    BtfValidator v = new BtfValidator(btf, maxProblems, useBaseTable);
    SectionChecks.checkSections(btf, v.log);
    SectionChecks.checkLayout(btf, v.log);
    SectionChecks.checkStrings(btf, v.log);
    // the RESOLVE problems held back, to follow META and TYPE_TAGS
    CycleSearch cycles = v.checkMetasAndTypes();
    TypeTagChecks.check(v.types, v.log);
    v.log.appendDeferred();
    cycles.run();
    return v.log.result();
  }

  // ---- the pass over the types ---------------------------------------------------------------

  /**
   * One pass over the own types: per type, check_meta, then its type id slots (TypeRefs' order)
   * for the BTF_MAX_TYPE check, the by-value edges to own types that {@link CycleSearch} searches
   * and whether one is out of range (else the range checks have nothing to report), then its
   * btf_check_all_types checks ({@link ResolveChecks#check}), whose problems the {@link ProblemLog}
   * holds back until the TYPE_TAGS checks have run.
   */
  private CycleSearch checkMetasAndTypes() {
    // What the loop reads, in locals: after each call it makes, fields would be read again.
    Btf btf = this.btf;
    NameChecks names = this.names;
    ResolveChecks resolve = this.resolve;
    MemberChecks members = this.members;
    int start = this.start;
    int end = this.end;
    int[] offsets = this.offsets;
    byte[] kindCodes = this.kindCodes;
    int[] infos = this.infos;
    int[] sizeOrTypes = this.sizeOrTypes;
    int n = end - start;
    boolean[] unnamedParams = resolve.unnamedParams;
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
          // MetaChecks: info bits, vlen 0 or 1, no kind_flag, name an identifier; checkFunc: an own
          // FUNC_PROTO already seen whose typed parameters are named (so in range, not a base id)
          fast = (info & ~(KindCodes.KIND_BITS | 1)) == 0 && ref >= start && ref < id
              && kindCodes[target] == KindCodes.FUNC_PROTO_CODE && !unnamedParams[target]
              && names.isIdentifierStart(btf.intAt(offsets[slot]));
        } else {
          // MetaChecks: info bits, vlen 0, no kind_flag, anonymous (a TYPEDEF: an identifier);
          // the slot below BTF_MAX_TYPE and in range; checkModifierTarget: void, or an own type
          // that is no VAR, DATASEC, DECL_TAG or FUNC (through which it would report)
          int name = btf.intAt(offsets[slot]);
          fast = (info & ~KindCodes.KIND_BITS) == 0
              && (code == KindCodes.TYPEDEF_CODE
                  ? names.isIdentifierStart(name) : name == 0 && anonymousOk)
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
            if (target >= slot) {
              color[slot] = CycleSearch.FORWARD;
            }
          }
          continue;
        }
      } else if (code == KindCodes.FUNC_PROTO_CODE && resolve.fastProto(id, slot, anonymousOk)) {
        color[slot] = CycleSearch.LEAF; // no by-value edges
        continue;
      } else if (code == KindCodes.STRUCT_CODE || code == KindCodes.UNION_CODE) {
        int vlen = infos[slot] & 0xffff;
        if (edges.length - size < vlen) {
          edges = java.util.Arrays.copyOf(edges, Math.max(edges.length * 2, size + vlen));
        }
        // its by-value edges to own member types, written past size as the members are read
        int fastSize = members.fastStruct(id, slot, code == KindCodes.UNION_CODE, anonymousOk,
            suspect, edges, size);
        if (fastSize >= 0) {
          markForward(color, slot, edges, size, fastSize);
          size = fastSize;
          continue;
        }
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
      int total = KindCodes.slotCount(code, types.vlen(id));
      if (edges.length - size < total) {
        edges = java.util.Arrays.copyOf(edges, Math.max(edges.length * 2, size + total));
      }
      int rec = offsets[slot];
      int fixedSlots = KindCodes.FIXED_SLOTS[code].length;
      boolean proto = code == KindCodes.FUNC_PROTO_CODE;
      boolean outOfRange = false;
      for (int j = 0; j < total; j++) {
        int w = KindCodes.slotWord(code, j);
        int ref = btf.intAt(rec + 4 * w);
        if (Integer.compareUnsigned(ref, suspect) >= 0) {
          if (Integer.compareUnsigned(ref, end) >= 0) {
            outOfRange = true;
          }
          if (metaIds && Integer.compareUnsigned(ref, MAX_TYPE_ID) > 0) {
            log.error(Stage.META, id, KindCodes.memberOfSlot(k, w), w, "Invalid type_id: "
                + Integer.toUnsignedString(ref) + " exceeds BTF_MAX_TYPE " + MAX_TYPE_ID
                + " (" + types.lastId() + ")");
          }
          if (byValue && ref >= start && ref < end) { // past BTF_MAX_TYPE, yet an own id
            edges[size++] = ref - start;
          }
        } else if (byValue && ref >= start) {
          edges[size++] = ref - start;
        }
        // a FUNC_PROTO parameter (type word 4 + 2i, name word 3 + 2i) with a type and no name
        if (proto && j >= fixedSlots && ref != 0 && btf.intAt(rec + 4 * (w - 1)) == 0) {
          unnamedParams[slot] = true;
        }
      }
      markForward(color, slot, edges, edgeStart[slot], size);
      log.startDeferring();
      resolve.check(id, k, outOfRange);
      log.stopDeferring();
    }
    edgeStart[n] = size;
    return new CycleSearch(types, log, edgeStart, edges, color);
  }

  /**
   * Colours the type at {@code slot} {@link CycleSearch#FORWARD} when one of its by-value edges
   * {@code edges[from, to)} leads to itself or a later type: only such types can start a cycle or
   * a deep search, so the search starts from them alone.
   */
  private static void markForward(byte[] color, int slot, int[] edges, int from, int to) {
    for (int e = from; e < to; e++) {
      if (edges[e] >= slot) {
        color[slot] = CycleSearch.FORWARD;
        return;
      }
    }
  }
}
