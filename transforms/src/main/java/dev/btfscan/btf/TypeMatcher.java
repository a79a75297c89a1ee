package dev.btfscan.btf;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a type of one BTF is the same type as a type of another (two vmlinux builds, or
 * a standalone module and a vmlinux): same kind, name and layout, followed recursively.
 *
 * <p>"Layout" is what a compiled module depends on: sizes, encodings, member names and offsets,
 * enumerator values, array bounds, parameter and return types. Through a pointer only the
 * pointee's identity matters (kind and name; anonymous pointees are compared whole), because a
 * module holding a {@code struct sk_buff *} is built against the pointer, not the struct; a
 * struct embedded by value is compared whole. Cycles can only pass through pointers or named
 * pointees, and a pair under comparison is assumed equal (the usual co-inductive rule), so
 * recursion terminates; results are memoized, so matching a whole module costs about one pass
 * over the types it reaches.
 */
public final class TypeMatcher {
  private final Btf from;
  private final Btf to;
  private final Map<Long, Boolean> memo = new HashMap<>();
  /** Results for anonymous types seen behind a pointer, where named types compare by identity. */
  private final Map<Long, Boolean> pointeeMemo = new HashMap<>();

  public TypeMatcher(Btf from, Btf to) {
    this.from = from;
    this.to = to;
  }

  public Btf from() {
    return from;
  }

  public Btf to() {
    return to;
  }

  /** Whether {@code a} (of {@code from}) and {@code b} (of {@code to}) are the same type. */
  public boolean equivalent(int a, int b) {
    return equivalent(a, b, false);
  }

  /**
   * Whether {@code a} and {@code b} are the same type as seen through a pointer: named types by
   * kind and name, qualifiers looked through, anonymous types whole.
   */
  public boolean equivalentBehindPointer(int a, int b) {
    return equivalent(a, b, true);
  }

  private boolean equivalent(int a, int b, boolean identityOnly) {
    if (a == 0 || b == 0) {
      return a == b;
    }
    if (!from.hasId(a) || !to.hasId(b)) {
      return false;
    }
    if (identityOnly && from.nameOffset(a) != 0) {
      // Behind a pointer a named type is known by its kind and name alone (a forward
      // declaration stands for the struct or union it names).
      return sameIdentity(a, b);
    }
    if (from.kind(a) == BtfKind.FWD && resolvesForward(a, b)) {
      return true;
    }
    if (isEnumForward(a) && resolvesEnumForward(a, b)) {
      return true;
    }
    if (!sameHead(a, b)) {
      return false;
    }
    long key = (long) a << 32 | (b & 0xffffffffL);
    Map<Long, Boolean> results = identityOnly ? pointeeMemo : memo;
    Boolean known = results.get(key);
    if (known != null) {
      return known;
    }
    results.put(key, Boolean.TRUE); // assumed while in progress: a cycle closes as equal
    boolean result = sameBody(a, b, identityOnly);
    results.put(key, result);
    return result;
  }

  private boolean sameIdentity(int a, int b) {
    if (!Objects.equals(from.name(a), to.name(b))) {
      return false;
    }
    BtfKind ka = from.kind(a);
    BtfKind kb = to.kind(b);
    return ka == kb || isAggregateOrFwd(ka) && isAggregateOrFwd(kb);
  }

  /**
   * A forward declaration is the same type as the struct or union it declares: C only uses an
   * incomplete type through pointers, so nothing in it depends on the layout.
   */
  private boolean resolvesForward(int fwd, int b) {
    BtfKind kb = to.kind(b);
    BtfKind declared = from.kindFlag(fwd) ? BtfKind.UNION : BtfKind.STRUCT;
    return (kb == declared || kb == BtfKind.FWD && to.kindFlag(b) == from.kindFlag(fwd))
        && Objects.equals(from.name(fwd), to.name(b));
  }

  /** {@code enum foo;} is encoded as an ENUM with no enumerators (libbpf's "enum fwd"). */
  private boolean isEnumForward(int a) {
    return (from.kind(a) == BtfKind.ENUM || from.kind(a) == BtfKind.ENUM64) && from.vlen(a) == 0;
  }

  private boolean resolvesEnumForward(int fwd, int b) {
    BtfKind kb = to.kind(b);
    return (kb == BtfKind.ENUM || kb == BtfKind.ENUM64)
        && from.sizeOrType(fwd) == to.sizeOrType(b)
        && from.nameOffset(fwd) != 0
        && Objects.equals(from.name(fwd), to.name(b));
  }

  private static boolean isAggregateOrFwd(BtfKind k) {
    return k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.FWD;
  }

  /** Kind, kind flag, vlen and name. */
  private boolean sameHead(int a, int b) {
    return from.info(a) == to.info(b) && Objects.equals(from.name(a), to.name(b));
  }

  private boolean sameBody(int a, int b, boolean behindPointer) {
    BtfKind kind = from.kind(a);
    int vlen = from.vlen(a);
    if (kind == null) {
      return java.util.Arrays.equals(from.words(a), 1, from.words(a).length, to.words(b), 1, to.words(b).length);
    }
    switch (kind) {
      case INT:
        return from.sizeOrType(a) == to.sizeOrType(b) && from.word(a, 3) == to.word(b, 3);
      case FLOAT:
        return from.sizeOrType(a) == to.sizeOrType(b);
      case FWD:
        return true;
      case PTR:
        return equivalent(from.sizeOrType(a), to.sizeOrType(b), true);
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
        // Qualifiers are transparent: behind a pointer, what they qualify is still only named.
        return equivalent(from.sizeOrType(a), to.sizeOrType(b), behindPointer);
      case TYPEDEF:
      case FUNC:
      case VAR:
        return (kind != BtfKind.VAR || from.word(a, 3) == to.word(b, 3))
            && equivalent(from.sizeOrType(a), to.sizeOrType(b), false);
      case DECL_TAG:
        return from.word(a, 3) == to.word(b, 3) && equivalent(from.sizeOrType(a), to.sizeOrType(b), false);
      case ARRAY:
        return from.word(a, 5) == to.word(b, 5)
            && equivalent(from.word(a, 3), to.word(b, 3), false)
            && equivalent(from.word(a, 4), to.word(b, 4), false);
      case STRUCT:
      case UNION:
        if (from.sizeOrType(a) != to.sizeOrType(b)) {
          return false;
        }
        for (int i = 0; i < vlen; i++) {
          int w = 3 + 3 * i;
          if (!Objects.equals(from.string(from.word(a, w)), to.string(to.word(b, w)))
              || from.word(a, w + 2) != to.word(b, w + 2)
              || !equivalent(from.word(a, w + 1), to.word(b, w + 1), false)) {
            return false;
          }
        }
        return true;
      case ENUM:
      case ENUM64:
        if (from.sizeOrType(a) != to.sizeOrType(b)) {
          return false;
        }
        int step = kind == BtfKind.ENUM ? 2 : 3;
        for (int i = 0; i < vlen; i++) {
          int w = 3 + step * i;
          if (!Objects.equals(from.string(from.word(a, w)), to.string(to.word(b, w)))) {
            return false;
          }
          for (int k = 1; k < step; k++) {
            if (from.word(a, w + k) != to.word(b, w + k)) {
              return false;
            }
          }
        }
        return true;
      case FUNC_PROTO:
        if (!equivalent(from.sizeOrType(a), to.sizeOrType(b), false)) {
          return false;
        }
        for (int i = 0; i < vlen; i++) {
          int w = 3 + 2 * i;
          if (!Objects.equals(from.string(from.word(a, w)), to.string(to.word(b, w)))
              || !equivalent(from.word(a, w + 1), to.word(b, w + 1), false)) {
            return false;
          }
        }
        return true;
      case DATASEC:
        if (from.sizeOrType(a) != to.sizeOrType(b)) {
          return false;
        }
        for (int i = 0; i < vlen; i++) {
          int w = 3 + 3 * i;
          if (from.word(a, w + 1) != to.word(b, w + 1)
              || from.word(a, w + 2) != to.word(b, w + 2)
              || !equivalent(from.word(a, w), to.word(b, w), false)) {
            return false;
          }
        }
        return true;
    }
    throw new AssertionError(kind);
  }

  /**
   * The first difference between {@code a} and {@code b} in words a kernel engineer reads
   * ({@code "size 232 -> 240"}, {@code "member 'len' offset 64 -> 96"}), or {@code null} when
   * they are equivalent.
   */
  public String difference(int a, int b) {
    return difference(a, b, MAX_EXPLAIN_DEPTH);
  }

  /** Explanations follow differences this deep into members and referenced types. */
  private static final int MAX_EXPLAIN_DEPTH = 6;

  private String difference(int a, int b, int depth) {
    if (equivalent(a, b)) {
      return null;
    }
    if (depth == 0) {
      return "layout differs";
    }
    if (a == 0 || b == 0) {
      return "void vs non-void";
    }
    BtfKind ka = from.kind(a);
    BtfKind kb = to.kind(b);
    if (ka != kb) {
      return "kind " + label(ka) + " -> " + label(kb);
    }
    if (!Objects.equals(from.name(a), to.name(b))) {
      return "name '" + from.name(a) + "' -> '" + to.name(b) + "'";
    }
    if (ka != null && ka.hasSize() && from.sizeOrType(a) != to.sizeOrType(b)) {
      return "size " + Integer.toUnsignedLong(from.sizeOrType(a)) + " -> " + Integer.toUnsignedLong(to.sizeOrType(b));
    }
    if (ka == BtfKind.STRUCT || ka == BtfKind.UNION) {
      return memberDifference(a, b, depth);
    }
    if (from.vlen(a) != to.vlen(b)) {
      return "vlen " + from.vlen(a) + " -> " + to.vlen(b);
    }
    if (from.kindFlag(a) != to.kindFlag(b)) {
      return "kind_flag " + from.kindFlag(a) + " -> " + to.kindFlag(b);
    }
    if (ka == BtfKind.PTR && from.nameOffset(from.sizeOrType(a)) != 0) {
      return "-> " + describe(from, from.sizeOrType(a)) + " vs " + describe(to, to.sizeOrType(b));
    }
    if (ka != null && ka.hasTypeRef()) {
      String inner = difference(from.sizeOrType(a), to.sizeOrType(b), depth - 1);
      return inner == null ? "referenced type differs" : "-> " + describe(from, from.sizeOrType(a)) + ": " + inner;
    }
    return "layout differs";
  }

  private String memberDifference(int a, int b, int depth) {
    Map<String, Integer> theirs = new HashMap<>();
    for (int i = 0; i < to.vlen(b); i++) {
      theirs.put(to.string(to.word(b, 3 + 3 * i)), i);
    }
    for (int i = 0; i < from.vlen(a); i++) {
      int w = 3 + 3 * i;
      String name = from.string(from.word(a, w));
      Integer j = theirs.remove(name);
      String shown = name.isEmpty() ? "(anon)" : name;
      if (j == null) {
        return "member '" + shown + "' removed";
      }
      int wb = 3 + 3 * j;
      if (from.word(a, w + 2) != to.word(b, wb + 2)) {
        return "member '" + shown + "' offset " + Integer.toUnsignedLong(from.word(a, w + 2))
            + " -> " + Integer.toUnsignedLong(to.word(b, wb + 2));
      }
      if (!equivalent(from.word(a, w + 1), to.word(b, wb + 1), false)) {
        String inner = difference(from.word(a, w + 1), to.word(b, wb + 1), depth - 1);
        return "member '" + shown + "' type " + describe(from, from.word(a, w + 1))
            + (inner == null ? " differs" : ": " + inner);
      }
    }
    if (!theirs.isEmpty()) {
      return "member '" + theirs.keySet().stream().sorted().findFirst().orElseThrow() + "' added";
    }
    return from.vlen(a) != to.vlen(b) ? "vlen " + from.vlen(a) + " -> " + to.vlen(b) : "member order differs";
  }

  /** {@code STRUCT 'sk_buff'} or {@code PTR '(anon)'}: how reports name a type. */
  public static String describe(Btf btf, int id) {
    if (id == 0) {
      return "void";
    }
    if (!btf.hasId(id)) {
      return "[" + id + "] (out of range)";
    }
    String name = btf.name(id);
    return label(btf.kind(id)) + " '" + (name == null || name.isEmpty() ? "(anon)" : name) + "'";
  }

  private static String label(BtfKind k) {
    return k == null ? "UNKN" : k.label();
  }
}
