package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;
import dev.btfscan.btf.NameChecks.NameRule;

/**
 * The kernel's check_meta per kind (btf_check_all_metas), on one own type: info bits, kind, name
 * offsets and the names the kind demands, vlen and kind_flag, INT encodings, ENUM and FLOAT sizes,
 * FUNC and VAR linkage, struct member offsets in order and inside the struct, DATASEC variables
 * sorted and inside the section, DECL_TAG component index. All META problems but the BTF_MAX_TYPE
 * check of type id slots, which the meta pass makes while it walks them.
 */
final class MetaChecks {
  private final Btf btf;
  private final TypeTable types;
  private final NameChecks names;
  private final ProblemLog log;

  MetaChecks(TypeTable types, NameChecks names, ProblemLog log) {
    this.btf = types.btf;
    this.types = types;
    this.names = names;
    this.log = log;
  }

  /** check_meta of own type {@code id}: info bits, kind, name, and the per-kind rules. */
  void check(int id) {
    int info = types.info(id);
    int code = types.kindCode(id);
    BtfKind kind = BtfKind.of(code);
    int vlen = types.vlen(id);
    boolean kflag = info < 0;
    if ((info & ~BtfValidator.INFO_MASK) != 0) {
      String msg = "Invalid btf_info:" + Integer.toHexString(info) + " (bits outside kind, vlen and"
          + " kind_flag: kind " + code + ", vlen " + vlen + ")";
      if (btf.header().hasLayoutFields()) {
        log.warning(Stage.META, id, -1, 1, msg + "; only kernels reading the widened 2026 format accept it");
      } else {
        log.error(Stage.META, id, -1, 1, msg);
      }
    }
    if (kind == null) {
      if (code == 0) {
        log.error(Stage.META, id, -1, 1, "Invalid kind:0 (UNKN)");
      } else {
        log.warning(Stage.META, id, -1, 1, "kind " + code + " is unknown here (sized by the kind-layout"
            + " section); kernels that do not know it reject it as Invalid kind, not checked further");
      }
      names.checkName(id, -1, 0, NameRule.ANY);
      return;
    }
    switch (kind) {
      case INT:
        names.checkName(id, -1, 0, NameRule.ANY);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        checkIntMeta(id);
        break;
      case PTR:
      case VOLATILE:
      case CONST:
      case RESTRICT:
        names.checkName(id, -1, 0, NameRule.NONE);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        break;
      case TYPEDEF:
        names.checkName(id, -1, 0, NameRule.IDENT);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        break;
      case TYPE_TAG:
        names.checkName(id, -1, 0, NameRule.NON_EMPTY);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.WARNING);
        break;
      case FWD:
        names.checkName(id, -1, 0, NameRule.IDENT);
        vlenZero(id, vlen);
        if (types.sizeOrType(id) != 0) {
          log.error(Stage.META, id, -1, 2, "type != 0: a FWD has " + Integer.toUnsignedString(types.sizeOrType(id)));
        }
        break;
      case ARRAY:
        names.checkName(id, -1, 0, NameRule.NONE);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        if (types.sizeOrType(id) != 0) {
          log.error(Stage.META, id, -1, 2, "size != 0: an ARRAY has " + Integer.toUnsignedString(types.sizeOrType(id)));
        }
        if (types.word(id, 3) == 0) {
          log.error(Stage.META, id, -1, 3, "Invalid elem: element type is void");
        }
        if (types.word(id, 4) == 0) {
          log.error(Stage.META, id, -1, 4, "Invalid index: index type is void");
        }
        break;
      case STRUCT:
      case UNION:
        names.checkName(id, -1, 0, NameRule.OPTIONAL_IDENT);
        checkStructMeta(id, kind == BtfKind.UNION, vlen, kflag);
        break;
      case ENUM:
      case ENUM64:
        checkEnumMeta(id, kind, vlen);
        break;
      case FUNC:
        names.checkName(id, -1, 0, NameRule.IDENT);
        if (vlen > 1) {
          log.error(Stage.META, id, -1, 1, "Invalid func linkage: " + vlen + " (the kernel takes 0 static and 1 global"
              + (vlen == 2 ? "; extern functions are libbpf's to strip before loading)" : ")"));
        }
        noKflag(id, kflag, Severity.ERROR);
        break;
      case FUNC_PROTO:
        // Parameter names are checked with the types (btf_func_proto_check), in ResolveChecks.
        names.checkName(id, -1, 0, NameRule.NONE);
        noKflag(id, kflag, Severity.ERROR);
        break;
      case VAR:
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        names.checkName(id, -1, 0, NameRule.IDENT);
        if (types.sizeOrType(id) == 0) {
          log.error(Stage.META, id, -1, 2, "Invalid type_id: a VAR cannot be void");
        }
        int linkage = types.word(id, 3);
        if (linkage != 0 && linkage != 1) {
          log.error(Stage.META, id, -1, 3, "Linkage not supported: " + Integer.toUnsignedString(linkage)
              + " (0 static, 1 global allocated)");
        }
        break;
      case DATASEC:
        checkDatasecMeta(id, vlen, kflag);
        break;
      case FLOAT:
        names.checkName(id, -1, 0, NameRule.ANY);
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.ERROR);
        int fsize = types.sizeOrType(id);
        if (fsize != 2 && fsize != 4 && fsize != 8 && fsize != 12 && fsize != 16) {
          log.error(Stage.META, id, -1, 2, "Invalid type_size: " + Integer.toUnsignedString(fsize)
              + " (a FLOAT is 2, 4, 8, 12 or 16 bytes)");
        }
        break;
      case DECL_TAG:
        if (names.checkName(id, -1, 0, NameRule.ANY) && btf.string(types.word(id, 0)).isEmpty()) {
          log.error(Stage.META, id, -1, 0, "Invalid value: a DECL_TAG needs a non-empty value");
        }
        vlenZero(id, vlen);
        noKflag(id, kflag, Severity.WARNING);
        if (types.word(id, 3) < -1) {
          log.error(Stage.META, id, -1, 3, "Invalid component_idx: " + types.word(id, 3));
        }
        break;
    }
  }

  private void vlenZero(int id, int vlen) {
    if (vlen != 0) {
      log.error(Stage.META, id, -1, 1, "vlen != 0: " + types.kindLabel(id) + " has vlen " + vlen);
    }
  }

  private void noKflag(int id, boolean kflag, Severity sev) {
    if (kflag) {
      log.typeProblem(sev, Stage.META, id, -1, 1, "Invalid btf_info kind_flag: " + types.kindLabel(id)
          + " cannot set it" + (sev == Severity.WARNING ? " (newer kernels allow it, 6.1 does not)" : ""));
    }
  }

  private void checkIntMeta(int id) {
    int data = types.word(id, 3);
    long size = Integer.toUnsignedLong(types.sizeOrType(id));
    if ((data & ~BtfValidator.INT_MASK) != 0) {
      log.error(Stage.META, id, -1, 3, "Invalid int_data:" + Integer.toHexString(data)
          + " (bits outside encoding, offset and nr_bits)");
      return;
    }
    int bits = data & 0xff;
    int offset = (data >>> 16) & 0xff;
    int encoding = (data >>> 24) & 0x0f;
    int nrBits = bits + offset;
    if (nrBits > 128) {
      log.error(Stage.META, id, -1, 3, "nr_bits exceeds 128: offset " + offset + " + bits " + bits + " = " + nrBits);
    } else if ((nrBits + 7) / 8 > size) {
      log.error(Stage.META, id, -1, 3, "nr_bits exceeds type_size: offset " + offset + " + bits " + bits
          + " does not fit in " + size + " bytes");
    }
    if (encoding != 0 && encoding != 1 && encoding != 2 && encoding != 4) {
      log.error(Stage.META, id, -1, 3, "Unsupported encoding 0x" + Integer.toHexString(encoding)
          + " (one of SIGNED 1, CHAR 2, BOOL 4, or none)");
    }
    if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16) {
      log.warning(Stage.LINT, id, -1, 2, "INT size " + size + " is not 1, 2, 4, 8 or 16");
    }
  }

  private void checkStructMeta(int id, boolean union, int vlen, boolean kflag) {
    long size = Integer.toUnsignedLong(types.sizeOrType(id));
    long last = 0;
    for (int i = 0; i < vlen; i++) {
      int w = 3 + 3 * i;
      names.checkName(id, i, w, NameRule.OPTIONAL_IDENT);
      if (types.word(id, w + 1) == 0) {
        log.error(Stage.META, id, i, w + 1, "Invalid type_id: a member cannot be void");
      }
      int raw = types.word(id, w + 2);
      long bitOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
      if (union && bitOff != 0) {
        log.error(Stage.META, id, i, w + 2, "Invalid member bits_offset: union member at bit " + bitOff + ", must be 0");
      }
      if (last > bitOff) {
        log.error(Stage.META, id, i, w + 2, "Invalid member bits_offset: bit " + bitOff
            + " is before the previous member's bit " + last);
      }
      if ((bitOff + 7) / 8 > size) {
        log.error(Stage.META, id, i, w + 2, "Member bits_offset exceeds its struct size: bit " + bitOff
            + " in a " + size + "-byte " + types.kindLabel(id));
      }
      last = bitOff;
    }
  }

  private void checkEnumMeta(int id, BtfKind kind, int vlen) {
    long size = Integer.toUnsignedLong(types.sizeOrType(id));
    if (size > 8 || Long.bitCount(size) != 1) {
      log.error(Stage.META, id, -1, 2, "Unexpected size " + size + " (an " + kind.label() + " is 1, 2, 4 or 8 bytes)");
    }
    names.checkName(id, -1, 0, NameRule.OPTIONAL_IDENT);
    int step = kind == BtfKind.ENUM ? 2 : 3;
    for (int i = 0; i < vlen; i++) {
      names.checkName(id, i, 3 + step * i, NameRule.IDENT);
    }
  }

  private void checkDatasecMeta(int id, int vlen, boolean kflag) {
    long size = Integer.toUnsignedLong(types.sizeOrType(id));
    if (size == 0) {
      log.error(Stage.META, id, -1, 2, "size == 0");
    }
    noKflag(id, kflag, Severity.ERROR);
    names.checkName(id, -1, 0, NameRule.SECTION);
    long lastEnd = 0;
    long sum = 0;
    for (int i = 0; i < vlen; i++) {
      int w = 3 + 3 * i;
      if (types.word(id, w) == 0) {
        log.error(Stage.META, id, i, w, "Invalid type_id: a section variable cannot be void");
      }
      long off = Integer.toUnsignedLong(types.word(id, w + 1));
      long vsize = Integer.toUnsignedLong(types.word(id, w + 2));
      if (off < lastEnd) {
        log.error(Stage.META, id, i, w + 1, "Invalid offset: variable at " + off
            + " overlaps the previous one, which ends at " + lastEnd + " (variables must be sorted)");
      } else if (off >= size) {
        log.error(Stage.META, id, i, w + 1, "Invalid offset: variable at " + off + " is outside the "
            + size + "-byte section");
      }
      if (vsize == 0 || vsize > size) {
        log.error(Stage.META, id, i, w + 2, "Invalid size: " + vsize + " in a " + size + "-byte section");
      } else if (off + vsize > size) {
        log.error(Stage.META, id, i, w + 1, "Invalid offset+size: variable [" + off + ", " + (off + vsize)
            + ") runs past the " + size + "-byte section");
      }
      lastEnd = Math.max(lastEnd, off + vsize);
      sum += vsize;
    }
    if (size < sum && size > 0) {
      log.error(Stage.META, id, -1, 2, "Invalid btf_info size: variables total " + sum + " bytes, the section " + size);
    }
  }
}
