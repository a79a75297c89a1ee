package dev.btfscan.btf;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The text dump of {@code bpftool btf dump file X} (and {@code bpftool btf dump -B BASE file X} for
 * split BTF) in its raw format, line for line as Debian's bpftool 7.1 (libbpf 1.1) prints it.
 *
 * <p>One line per type, {@code [id] KIND 'name'} and the kind's fields, then one tab-indented line
 * per member, enumerator, parameter or section variable. A split blob dumps only its own types
 * (ids {@link Btf#startId()} to {@link Btf#endId()} - 1), as bpftool does; names and the kinds that
 * DATASEC lines mention are still looked up through the base chain.
 *
 * <p>Facts that are easy to get wrong, all checked against bpftool 7.1 on real and built blobs:
 *
 * <ul>
 *   <li>Name offset 0 prints {@code (anon)}; an offset outside every string section prints
 *       {@code (invalid)}; a non-zero offset of an empty string prints {@code ''}.
 *   <li>VAR puts a comma after its type id ({@code type_id=1, linkage=static}) and spells linkage 1
 *       {@code global} (later bpftool releases may spell it differently; 7.1 is the reference).
 *       FUNC and VAR print {@code (unknown)} for a linkage they do not know.
 *   <li>INT encodings: {@code (none)}, SIGNED, CHAR, BOOL, anything else {@code UNKN}.
 *   <li>ENUM and ENUM64 print {@code encoding=SIGNED} when kind_flag is set (values signed, ENUM64
 *       with an {@code LL} suffix), {@code encoding=UNSIGNED} otherwise ({@code ULL}).
 *   <li>STRUCT/UNION members print {@code bitfield_size} only when kind_flag is set and the size is
 *       non-zero; with kind_flag the member offset's low 24 bits are the bit offset.
 *   <li>DATASEC variable lines end with {@code (KIND 'name')} of the referenced type when its id
 *       is below the type count (void included: id 0 gives {@code (UNKNOWN '(anon)')}).
 *   <li>Kinds beyond ENUM64 (sized through the kind-layout section) and kind 0 print as
 *       {@code UNKNOWN} with their name and nothing else.
 * </ul>
 *
 * <p>vlen is read from bits 0-23 of info and the kind from bits 24-30 (the 2026 widening); bpftool
 * 7.1 reads 16 and 5 bits, which agree on every blob it can parse.
 */
public final class BtfDumper {
  /** bpftool's label for kind 0 and for kind codes it does not know. */
  static final String UNKNOWN_KIND = "UNKNOWN";

  private BtfDumper() {}

  /** The dump of {@code btf}'s own types, each line ending in a newline. */
  public static String dump(Btf btf) {
    StringBuilder sb = new StringBuilder(btf.typeCount() * 48);
    for (int id = btf.startId(); id < btf.endId(); id++) {
      appendType(btf, id, sb);
    }
    return sb.toString();
  }

  /**
   * Writes the dump of {@code btf}'s own types to {@code out}, type by type.
   *
   * @throws UncheckedIOException when {@code out} fails
   */
  public static void dump(Btf btf, Appendable out) {
    StringBuilder sb = new StringBuilder(256);
    try {
      for (int id = btf.startId(); id < btf.endId(); id++) {
        sb.setLength(0);
        appendType(btf, id, sb);
        out.append(sb);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the BTF dump", e);
    }
  }

  /** The dump lines of one type (of this blob or of its bases), ending in a newline. */
  public static String dumpType(Btf btf, int id) {
    StringBuilder sb = new StringBuilder(64);
    appendType(btf, id, sb);
    return sb.toString();
  }

  private static void appendType(Btf btf, int id, StringBuilder sb) {
    int[] w = btf.words(id);
    BtfKind kind = btf.kind(id);
    boolean kflag = w[1] < 0;
    int vlen = w[1] & 0xffffff;
    sb.append('[').append(id).append("] ").append(label(kind)).append(" '");
    appendName(btf, w[0], sb);
    sb.append('\'');
    if (kind != null) {
      appendBody(btf, kind, kflag, vlen, w, sb);
    }
    sb.append('\n');
  }

  /** The fields after the name; every kind is listed so that a new one fails to compile here. */
  private static StringBuilder appendBody(
      Btf btf, BtfKind kind, boolean kflag, int vlen, int[] w, StringBuilder sb) {
    return switch (kind) {
      case INT -> appendInt(w, sb);
      case PTR, CONST, VOLATILE, RESTRICT, TYPEDEF, TYPE_TAG -> sb.append(" type_id=").append(u(w[2]));
      case ARRAY -> sb.append(" type_id=").append(u(w[3]))
          .append(" index_type_id=").append(u(w[4]))
          .append(" nr_elems=").append(u(w[5]));
      case STRUCT, UNION -> appendMembers(btf, kflag, vlen, w, sb);
      case ENUM -> appendEnum(btf, kflag, vlen, w, sb);
      case ENUM64 -> appendEnum64(btf, kflag, vlen, w, sb);
      case FWD -> sb.append(" fwd_kind=").append(kflag ? "union" : "struct");
      case FUNC -> sb.append(" type_id=").append(u(w[2])).append(" linkage=").append(funcLinkage(vlen));
      case FUNC_PROTO -> appendParams(btf, vlen, w, sb);
      case VAR -> sb.append(" type_id=").append(u(w[2])).append(", linkage=").append(varLinkage(w[3]));
      case DATASEC -> appendSection(btf, vlen, w, sb);
      case FLOAT -> sb.append(" size=").append(u(w[2]));
      case DECL_TAG -> sb.append(" type_id=").append(u(w[2])).append(" component_idx=").append(w[3]);
    };
  }

  private static StringBuilder appendInt(int[] w, StringBuilder sb) {
    int v = w[3];
    return sb.append(" size=").append(u(w[2]))
        .append(" bits_offset=").append((v >>> 16) & 0xff)
        .append(" nr_bits=").append(v & 0xff)
        .append(" encoding=").append(intEncoding((v >>> 24) & 0x0f));
  }

  private static StringBuilder appendMembers(Btf btf, boolean kflag, int vlen, int[] w, StringBuilder sb) {
    sb.append(" size=").append(u(w[2])).append(" vlen=").append(vlen);
    for (int i = 0, p = 3; i < vlen; i++, p += 3) {
      int offset = w[p + 2];
      long bitOffset = kflag ? offset & 0xffffff : Integer.toUnsignedLong(offset);
      int bitfieldSize = kflag ? offset >>> 24 : 0;
      sb.append("\n\t'");
      appendName(btf, w[p], sb);
      sb.append("' type_id=").append(u(w[p + 1])).append(" bits_offset=").append(bitOffset);
      if (bitfieldSize != 0) {
        sb.append(" bitfield_size=").append(bitfieldSize);
      }
    }
    return sb;
  }

  private static StringBuilder appendEnum(Btf btf, boolean kflag, int vlen, int[] w, StringBuilder sb) {
    sb.append(" encoding=").append(kflag ? "SIGNED" : "UNSIGNED")
        .append(" size=").append(u(w[2])).append(" vlen=").append(vlen);
    for (int i = 0, p = 3; i < vlen; i++, p += 2) {
      sb.append("\n\t'");
      appendName(btf, w[p], sb);
      sb.append("' val=");
      if (kflag) {
        sb.append(w[p + 1]);
      } else {
        sb.append(u(w[p + 1]));
      }
    }
    return sb;
  }

  private static StringBuilder appendEnum64(Btf btf, boolean kflag, int vlen, int[] w, StringBuilder sb) {
    sb.append(" encoding=").append(kflag ? "SIGNED" : "UNSIGNED")
        .append(" size=").append(u(w[2])).append(" vlen=").append(vlen);
    for (int i = 0, p = 3; i < vlen; i++, p += 3) {
      long val = (long) w[p + 2] << 32 | Integer.toUnsignedLong(w[p + 1]);
      sb.append("\n\t'");
      appendName(btf, w[p], sb);
      sb.append("' val=");
      if (kflag) {
        sb.append(val).append("LL");
      } else {
        sb.append(Long.toUnsignedString(val)).append("ULL");
      }
    }
    return sb;
  }

  private static StringBuilder appendParams(Btf btf, int vlen, int[] w, StringBuilder sb) {
    sb.append(" ret_type_id=").append(u(w[2])).append(" vlen=").append(vlen);
    for (int i = 0, p = 3; i < vlen; i++, p += 2) {
      sb.append("\n\t'");
      appendName(btf, w[p], sb);
      sb.append("' type_id=").append(u(w[p + 1]));
    }
    return sb;
  }

  private static StringBuilder appendSection(Btf btf, int vlen, int[] w, StringBuilder sb) {
    sb.append(" size=").append(u(w[2])).append(" vlen=").append(vlen);
    for (int i = 0, p = 3; i < vlen; i++, p += 3) {
      int type = w[p];
      sb.append("\n\ttype_id=").append(u(type))
          .append(" offset=").append(u(w[p + 1]))
          .append(" size=").append(u(w[p + 2]));
      if (Integer.compareUnsigned(type, btf.endId()) < 0) {
        sb.append(" (");
        if (type == 0) {
          sb.append(UNKNOWN_KIND).append(" '(anon)'");
        } else {
          sb.append(label(btf.kind(type))).append(" '");
          appendName(btf, btf.nameOffset(type), sb);
          sb.append('\'');
        }
        sb.append(')');
      }
    }
    return sb;
  }

  private static void appendName(Btf btf, int off, StringBuilder sb) {
    if (off == 0) {
      sb.append("(anon)");
      return;
    }
    String s = btf.string(off);
    sb.append(s == null ? "(invalid)" : s);
  }

  private static String label(BtfKind kind) {
    return kind == null ? UNKNOWN_KIND : kind.label();
  }

  private static String intEncoding(int encoding) {
    return switch (encoding) {
      case 0 -> "(none)";
      case 1 -> "SIGNED";
      case 2 -> "CHAR";
      case 4 -> "BOOL";
      default -> "UNKN";
    };
  }

  private static String funcLinkage(int linkage) {
    return switch (linkage) {
      case 0 -> "static";
      case 1 -> "global";
      case 2 -> "extern";
      default -> "(unknown)";
    };
  }

  private static String varLinkage(int linkage) {
    return switch (linkage) {
      case 0 -> "static";
      case 1 -> "global";
      case 2 -> "extern";
      default -> "(unknown)";
    };
  }

  /** An unsigned 32-bit field, as printf's %u shows it. */
  private static long u(int v) {
    return Integer.toUnsignedLong(v);
  }
}
