package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The RESOLVE checks of STRUCT and UNION members (btf_struct_resolve and the per-kind
 * check_member / check_kflag_member), and the STRUCT and UNION fast path of the meta pass.
 */
final class MemberChecks {
  private final Btf btf;
  private final TypeTable types;
  private final NameChecks names;
  private final ProblemLog log;
  private final int[] offsets;
  private final int[] infos;
  private final int[] sizeOrTypes;
  private final int start;
  /** Member type shapes by {@code id - start} (see {@link #shapeOf}). */
  private final int[] shapes;

  MemberChecks(TypeTable types, NameChecks names, ProblemLog log) {
    this.btf = types.btf;
    this.types = types;
    this.names = names;
    this.log = log;
    this.offsets = types.offsets;
    this.infos = types.infos;
    this.sizeOrTypes = types.sizeOrTypes;
    this.start = types.start;
    this.shapes = new int[types.end - types.start];
  }

  /**
   * The STRUCT and UNION fast path: true when MetaChecks, the slot loop and {@link #check} would
   * report nothing for own type {@code id}, false to run them (nothing is reported here). MetaChecks:
   * info bits, the name and each member's name an identifier or none, member types not void,
   * member offsets (union members at 0, in order, inside the size); the slots: below
   * BTF_MAX_TYPE and in range; check: each member's type and what it resolves to of a
   * known sized kind that may be a member, and {@link #checkMemberPlacement} passes (a dry run).
   * Returns {@code size} plus the by-value edges it wrote to {@code edges[size]} on (one per member
   * of an own type: the edges the slot loop would collect; room for vlen must be there), or -1.
   */
  int fastStruct(int id, int slot, boolean union, boolean anonymousOk, int suspect, int[] edges,
      int size) {
    Btf btf = this.btf; // in locals: the loop's calls would make the fields be read again
    TypeTable types = this.types;
    NameChecks names = this.names;
    int info = infos[slot];
    int rec = offsets[slot];
    if ((info & ~BtfValidator.INFO_MASK) != 0) {
      return -1;
    }
    int name = btf.intAt(rec);
    if (!(names.isIdentifierStart(name) || (name == 0 && anonymousOk))) {
      return -1;
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
        return -1;
      }
      long bitOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
      if ((union && bitOff != 0) || last > bitOff || (bitOff + 7) / 8 > structSize) {
        return -1;
      }
      last = bitOff;
      int shape;
      if (mtype >= start) { // an own type (mtype < suspect: in range): its shape, found once
        int slot2 = mtype - start;
        edges[size++] = slot2;
        shape = shapes[slot2];
        if (shape == UNKNOWN) {
          shapes[slot2] = shape = shapeOf(types, mtype);
        }
      } else { // a base type: its shape from the base's table, found once per base (if it has one)
        shape = types.baseMemberShape(mtype);
      }
      int placed = shape == UNKNOWN ? -1 : placedByShape(shape, raw, kflag, structSize);
      if (placed == 0) {
        return -1;
      }
      if (placed > 0) {
        continue;
      }
      int mc = types.kindCode(mtype);
      BtfKind mk = KindCodes.KIND[mc];
      if (mk == null || KindCodes.NO_SIZE_KIND[mc] || KindCodes.sourceOnly(mk)) {
        return -1;
      }
      int r = types.skipModifiers(mtype);
      if (r <= 0) {
        return -1;
      }
      int rc = types.kindCode(r);
      BtfKind rk = KindCodes.KIND[rc];
      if (rk == null || KindCodes.NO_SIZE_KIND[rc] || KindCodes.sourceOnly(rk)
          || !checkMemberPlacement(id, i, w + 2, raw, kflag, structSize, r, rk, false)) {
        return -1;
      }
    }
    return size;
  }

  // ---- member shapes: what the fast path needs of a member's type, one int per own type -------
  // A member's checks read its type's kind, the end of its modifier chain, that type's kind and
  // its size or INT encoding: four memo and array reads, one of them into the blob, per member.
  // They depend on the member's type alone, so they are packed once per own type into a shape
  // that the fast path reads instead (JFR: members were a fifth of the vmlinux validate time).

  /** Not yet found. */
  private static final int UNKNOWN = 0;
  /** A member of this type fails a kind or resolution check: the full checks report it. */
  private static final int FAILS = 1;
  /** Any other type the shapes do not cover (FLOAT, no or a huge size): the general fast path. */
  private static final int OTHER = 2;
  /**
   * Low two bits 3: resolves to an INT; bit 2 set when it is a regular int, bits 8-15 its
   * nr_bits, 16-23 its bit offset.
   */
  private static final int INT_SHAPE = 3;
  /**
   * Low three bits 4: resolves to a byte-sized STRUCT, UNION, PTR or ARRAY, 5: to an ENUM or
   * ENUM64 (bitfields under a kind_flag: the general fast path); the size from bit 3.
   */
  private static final int BYTES_SHAPE = 4;
  private static final int ENUM_SHAPE = 5;
  /** Sizes below this fit the shape; others are OTHER. */
  private static final long MAX_SHAPE_SIZE = 1L << 28;

  /** The shape of type {@code mtype} of {@code types} as a member type (what fastStruct's checks would read). */
  static int shapeOf(TypeTable types, int mtype) {
    int mc = types.kindCode(mtype);
    BtfKind mk = KindCodes.KIND[mc];
    if (mk == null || KindCodes.NO_SIZE_KIND[mc] || KindCodes.sourceOnly(mk)) {
      return FAILS;
    }
    int r = types.skipModifiers(mtype);
    if (r <= 0) {
      return FAILS;
    }
    int rc = types.kindCode(r);
    BtfKind rk = KindCodes.KIND[rc];
    if (rk == null || KindCodes.NO_SIZE_KIND[rc] || KindCodes.sourceOnly(rk)) {
      return FAILS;
    }
    if (rk == BtfKind.INT) {
      int data = types.word(r, 3);
      return INT_SHAPE | (types.isRegularInt(r) ? 4 : 0) | (data & 0xff) << 8
          | ((data >>> 16) & 0xff) << 16;
    }
    if (rk == BtfKind.FLOAT) {
      return OTHER;
    }
    long size = rk == BtfKind.PTR ? types.ptrSize : types.sizeOf(r);
    if (size < 0 || size >= MAX_SHAPE_SIZE) {
      return OTHER;
    }
    boolean isEnum = rk == BtfKind.ENUM || rk == BtfKind.ENUM64;
    return (isEnum ? ENUM_SHAPE : BYTES_SHAPE) | (int) size << 3;
  }

  /**
   * {@link #checkMemberPlacement}'s verdict from a member type's shape: 1 it passes, 0 a check
   * would report (or {@code shape} is FAILS), -1 the shape does not tell (take the general path).
   */
  private static int placedByShape(int shape, int raw, boolean kflag, long structSize) {
    long bitOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
    int bitfield = kflag ? raw >>> 24 : 0;
    int low = shape & 7;
    if ((shape & 3) == INT_SHAPE) {
      long nrBits = (shape >>> 8) & 0xff;
      long start = bitOff + (kflag ? 0 : (shape >>> 16) & 0xff);
      if (kflag) { // check_kflag_member of an INT
        if ((shape & 4) == 0) {
          return 0;
        }
        if (bitfield == 0) {
          if (bitOff % 8 != 0) {
            return 0;
          }
        } else if (bitfield > nrBits) {
          return 0;
        } else {
          nrBits = bitfield;
        }
      }
      long copyBits = nrBits + start % 8;
      if (copyBits > 128) {
        return 0;
      }
      return fitsIn(start / 8, (copyBits + 7) / 8, structSize) ? 1 : 0;
    }
    if (low == BYTES_SHAPE || (low == ENUM_SHAPE && !kflag)) {
      if (bitfield != 0 || bitOff % 8 != 0) {
        return 0;
      }
      return fitsIn(bitOff / 8, shape >>> 3, structSize) ? 1 : 0;
    }
    return shape == FAILS ? 0 : -1;
  }

  /** {@link #fits}' test. */
  private static boolean fitsIn(long byteOff, long size, long structSize) {
    return byteOff <= structSize && structSize - byteOff >= size;
  }

  /** The members of own STRUCT or UNION {@code id}: their types, placement and bitfields. */
  void check(int id) {
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
}
