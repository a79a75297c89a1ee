package dev.btfscan.btf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Relocates split BTF whose base is a distilled base (a module's {@code .BTF.base}) onto a full
 * vmlinux, as libbpf's {@code btf_relocate.c} and the kernel's module loader do.
 *
 * <p>The facts carried over from libbpf 1.5:
 *
 * <ul>
 *   <li>A distilled base holds only named INT, FLOAT, FWD, STRUCT, UNION (sized, no members) and
 *       ENUM (sized, no values; it stands for an ENUM64 too). Anything else is refused.
 *   <li>Each distilled type maps to the one vmlinux type of the same name that is compatible: INT
 *       of the same size and encoding; FLOAT of the same size; ENUM of the same size, or ENUM64 of
 *       the same size; FWD to a FWD of the same kind flag, or to the STRUCT (flag clear) or UNION
 *       (flag set) it declares; STRUCT/UNION of the same kind.
 *   <li>STRUCT/UNION sizes must match when the module embeds the type by value (a member,
 *       through typedefs, modifiers and arrays but not pointers), or when the vmlinux has more than
 *       one struct/union of that name (size then says which). A type the module only points at
 *       matches by name alone: its size may differ and the kernel still relocates; such
 *       differences are returned as notes. {@link #relocateStrict} requires sizes always.
 *   <li>No candidate, or more than one, is an error. libbpf stops at the first; this reports
 *       every distilled type that fails.
 *   <li>Split ids move by {@code nr_vmlinux - nr_distilled}; names are re-added on the vmlinux.
 * </ul>
 *
 * <p>Deliberate differences from libbpf: a distilled STRUCT does not match a vmlinux UNION of
 * the same name (libbpf does not compare the kinds there), every own composite is checked for
 * embedded base types (libbpf's loop bound skips the last few), and strings are rewritten by
 * content rather than through a map of base offsets, so a split name that happens to sit in the
 * distilled base's strings never fails.
 */
public final class DistilledRelocator {
  private DistilledRelocator() {}

  /** One distilled base type that has no single vmlinux equivalent. */
  public record Failure(int distilledId, String type, String reason) {
    @Override
    public String toString() {
      return "distilled base type " + type + ": " + reason;
    }
  }

  /**
   * @param mapping vmlinux id of each distilled base id (index 0 is void, unmapped ids are -1)
   * @param failures the distilled types with no single match, in id order
   * @param notes accepted differences (a pointed-to struct whose size changed)
   * @param blob the module's split BTF on the vmlinux, or {@code null} when anything failed
   */
  public record Result(int[] mapping, List<Failure> failures, List<String> notes, byte[] blob) {
    public boolean relocated() {
      return blob != null;
    }
  }

  /**
   * What makes {@code distilled} unusable as a distilled base, one line per type ("type [3] PTR
   * '(anon)': kind PTR cannot be in a distilled base"); empty when it is one.
   */
  public static List<String> checkDistilledBase(Btf distilled) {
    List<String> out = new ArrayList<>();
    if (distilled.isSplit()) {
      out.add("a distilled base is standalone BTF, this one is split");
      return out;
    }
    for (int id = distilled.startId(); id < distilled.endId(); id++) {
      BtfKind kind = distilled.kind(id);
      boolean allowed = kind == BtfKind.INT || kind == BtfKind.FLOAT || kind == BtfKind.ENUM
          || kind == BtfKind.STRUCT || kind == BtfKind.UNION || kind == BtfKind.FWD;
      if (!allowed) {
        out.add("type " + describe(distilled, id) + ": kind "
            + (kind == null ? String.valueOf(distilled.kindCode(id)) : kind.label())
            + " cannot be in a distilled base (only named INT, FLOAT, ENUM, STRUCT, UNION, FWD)");
      } else if (distilled.nameOffset(id) == 0) {
        out.add("type " + describe(distilled, id) + ": a distilled base type must be named");
      }
    }
    return out;
  }

  /** Relocates {@code split} (split on a distilled base) onto {@code index}'s BTF, as libbpf does. */
  public static Result relocate(Btf split, BaseIndex index) {
    return relocate(split, index, false);
  }

  /** As {@link #relocate}, but every STRUCT/UNION must keep its size, pointed-to or not. */
  public static Result relocateStrict(Btf split, BaseIndex index) {
    return relocate(split, index, true);
  }

  private static Result relocate(Btf split, BaseIndex index, boolean strictSizes) {
    Btf dist = split.base();
    Btf vmlinux = index.btf();
    if (dist == null || dist.isSplit()) {
      throw new IllegalArgumentException("not split on a standalone (distilled) base");
    }
    if (vmlinux.isSplit()) {
      throw new IllegalArgumentException("the target must be a standalone vmlinux BTF");
    }
    List<String> invalid = checkDistilledBase(dist);
    if (!invalid.isEmpty()) {
      throw new IllegalArgumentException("not a distilled base: " + invalid.get(0));
    }
    boolean[] embedded = embeddedBaseComposites(split);
    int[] mapping = new int[dist.endId()];
    Arrays.fill(mapping, -1);
    mapping[0] = 0;
    List<Failure> failures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (int d = dist.startId(); d < dist.endId(); d++) {
      String type = describe(dist, d);
      int[] named = sameName(dist, d, index);
      boolean needsSize = embedded[d] || strictSizes || composites(index, dist.name(d)) > 1;
      int[] matches = new int[named.length];
      int n = 0;
      for (int c : named) {
        if (compatible(dist, d, vmlinux, c, needsSize)) {
          matches[n++] = c;
        }
      }
      matches = Arrays.copyOf(matches, n);
      if (matches.length == 1) {
        mapping[d] = matches[0];
        BtfKind k = dist.kind(d);
        if ((k == BtfKind.STRUCT || k == BtfKind.UNION) && vmlinux.sizeOrType(matches[0]) != dist.sizeOrType(d)) {
          notes.add("distilled base type " + type + ": vmlinux [" + matches[0] + "] has size "
              + Integer.toUnsignedLong(vmlinux.sizeOrType(matches[0]))
              + "; accepted, the module only points at it");
        }
      } else if (matches.length > 1) {
        failures.add(new Failure(d, type, matches.length + " candidates " + Arrays.toString(matches)));
      } else {
        failures.add(new Failure(d, type, miss(dist, d, vmlinux, named)));
      }
    }
    byte[] blob = failures.isEmpty() ? rewrite(split, vmlinux, mapping) : null;
    return new Result(mapping, List.copyOf(failures), List.copyOf(notes), blob);
  }

  /**
   * Distilled STRUCT/UNION ids the module embeds by value: a member of one of its own composites
   * reaches them through typedefs, modifiers and arrays, without a pointer.
   */
  static boolean[] embeddedBaseComposites(Btf split) {
    Btf dist = split.base();
    boolean[] embedded = new boolean[dist.endId()];
    for (int id = split.startId(); id < split.endId(); id++) {
      BtfKind kind = split.kind(id);
      if (kind != BtfKind.STRUCT && kind != BtfKind.UNION) {
        continue;
      }
      for (int m = 0; m < split.vlen(id); m++) {
        int t = valueType(split, split.word(id, 4 + 3 * m));
        if (t > 0 && t < dist.endId()) {
          embedded[t] = true;
        }
      }
    }
    return embedded;
  }

  /** The STRUCT/UNION {@code id} holds by value, or 0: modifiers, typedefs and arrays followed. */
  static int valueType(Btf btf, int id) {
    for (int hops = 0; hops < 64 && id > 0 && btf.hasId(id); hops++) {
      BtfKind k = btf.kind(id);
      if (k == null) {
        return 0;
      }
      switch (k) {
        case STRUCT:
        case UNION:
          return id;
        case ARRAY:
          id = btf.word(id, 3);
          break;
        case TYPEDEF:
        case CONST:
        case VOLATILE:
        case RESTRICT:
        case TYPE_TAG:
          id = btf.sizeOrType(id);
          break;
        default:
          return 0;
      }
    }
    return 0;
  }

  /** vmlinux types of the same name and of a kind the distilled type may stand for. */
  private static int[] sameName(Btf dist, int d, BaseIndex index) {
    String name = dist.name(d);
    BtfKind k = dist.kind(d);
    switch (k) {
      case ENUM:
        return concat(index.named(BtfKind.ENUM, name), index.named(BtfKind.ENUM64, name));
      case FWD:
        return concat(index.named(BtfKind.FWD, name),
            index.named(dist.kindFlag(d) ? BtfKind.UNION : BtfKind.STRUCT, name));
      default:
        return index.named(k, name);
    }
  }

  private static boolean compatible(Btf dist, int d, Btf vmlinux, int c, boolean compositeSize) {
    BtfKind dk = dist.kind(d);
    BtfKind ck = vmlinux.kind(c);
    switch (dk) {
      case INT:
        return vmlinux.sizeOrType(c) == dist.sizeOrType(d) && intEncoding(vmlinux, c) == intEncoding(dist, d);
      case FLOAT:
      case ENUM:
        return vmlinux.sizeOrType(c) == dist.sizeOrType(d);
      case FWD:
        if (ck == BtfKind.FWD) {
          return vmlinux.kindFlag(c) == dist.kindFlag(d);
        }
        // A forward declaration carries no size (0): it matches an ambiguous name only by luck.
        return !compositeSize || vmlinux.sizeOrType(c) == dist.sizeOrType(d);
      case STRUCT:
      case UNION:
        return !compositeSize || vmlinux.sizeOrType(c) == dist.sizeOrType(d);
      default:
        return false;
    }
  }

  /** How many named STRUCT/UNION types of this name the vmlinux has (libbpf counts both kinds). */
  private static int composites(BaseIndex index, String name) {
    return index.named(BtfKind.STRUCT, name).length + index.named(BtfKind.UNION, name).length;
  }

  private static String miss(Btf dist, int d, Btf vmlinux, int[] named) {
    BtfKind k = dist.kind(d);
    if (named.length == 0) {
      String kinds = k == BtfKind.ENUM ? "ENUM or ENUM64" : k == BtfKind.FWD ? "FWD or " + (dist.kindFlag(d) ? "UNION" : "STRUCT") : k.label();
      return "vmlinux has no " + kinds + " named '" + dist.name(d) + "'";
    }
    String has = Arrays.stream(named).mapToObj(c -> shape(vmlinux, c)).distinct().collect(Collectors.joining(", "));
    return "vmlinux has " + has;
  }

  /** "size 240", "size 4 encoding (none)", "UNION size 8" as the failure message shows a candidate. */
  private static String shape(Btf btf, int id) {
    BtfKind k = btf.kind(id);
    StringBuilder sb = new StringBuilder();
    if (k == BtfKind.FWD) {
      return "FWD " + (btf.kindFlag(id) ? "union" : "struct") + " [" + id + "]";
    }
    sb.append("size ").append(Integer.toUnsignedLong(btf.sizeOrType(id)));
    if (k == BtfKind.INT) {
      sb.append(" encoding ").append(encodingLabel(intEncoding(btf, id)));
    }
    return sb.append(" [").append(id).append(']').toString();
  }

  /** {@code [12] STRUCT 'sk_buff' size 232}, {@code [3] INT 'int' size 4 SIGNED}, {@code [5] FWD 'x' union}. */
  public static String describe(Btf btf, int id) {
    BtfKind k = btf.kind(id);
    String name = btf.name(id);
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(id).append("] ").append(k == null ? "KIND_" + btf.kindCode(id) : k.label())
        .append(" '").append(name == null || name.isEmpty() ? "(anon)" : name).append('\'');
    if (k == BtfKind.FWD) {
      sb.append(btf.kindFlag(id) ? " union" : " struct");
    } else if (k != null && k.hasSize()) {
      sb.append(" size ").append(Integer.toUnsignedLong(btf.sizeOrType(id)));
      if (k == BtfKind.INT) {
        sb.append(" encoding ").append(encodingLabel(intEncoding(btf, id)));
      }
    }
    return sb.toString();
  }

  private static int intEncoding(Btf btf, int id) {
    return (btf.word(id, 3) >>> 24) & 0x0f;
  }

  private static String encodingLabel(int e) {
    switch (e) {
      case 0:
        return "(none)";
      case 1:
        return "SIGNED";
      case 2:
        return "CHAR";
      case 4:
        return "BOOL";
      default:
        return String.valueOf(e);
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    Arrays.sort(out);
    return out;
  }

  /** The module's own types on the vmlinux: base ids mapped, own ids shifted, names re-added. */
  private static byte[] rewrite(Btf split, Btf vmlinux, int[] mapping) {
    BtfBuilder out = new BtfBuilder(vmlinux);
    int shift = vmlinux.endId() - split.startId();
    for (int id = split.startId(); id < split.endId(); id++) {
      int[] w = split.words(id);
      BtfKind kind = split.kind(id);
      int vlen = split.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        int ref = w[s];
        if (ref >= split.startId()) {
          w[s] = ref + shift;
        } else if (ref > 0) {
          w[s] = mapping[ref];
        }
      }
      for (int s : TypeRefs.nameSlots(kind, vlen)) {
        w[s] = w[s] == 0 ? 0 : out.addString(split.string(w[s]));
      }
      out.addType(w);
    }
    return out.build(vmlinux.order());
  }
}
