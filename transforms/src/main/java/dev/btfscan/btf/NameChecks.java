package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The checks of name offsets and names: in range, at a string start (a LINT warning when not: the
 * mark of a split blob read against the wrong base), and valid by the rule of the slot
 * ({@link NameRule}: the kernel's btf_name_valid_identifier and btf_name_valid_section of 6.1).
 *
 * <p>Most name slots are settled by one bit: {@link Btf#identifierStarts} marks the own string
 * offsets that start a valid identifier, made once per blob (so a base's once for all its split
 * modules). Other verdicts on own offsets are memoized, so a shared name is read once.
 */
final class NameChecks {
  private final Btf btf;
  private final TypeTable types;
  private final ProblemLog log;
  /** The array the own strings are read from, directly (not through the base chain). */
  private final byte[] data;
  private final int ownStrStart;
  private final int ownStrEnd;
  private final int ownStrBase;
  /**
   * Bit {@code off - ownStrStart} set when that own string offset starts a string (offset 0 or just
   * after a NUL) that is a valid identifier ({@link #checkNameBytes}): one linear pass, so that the
   * ~250k name slots of vmlinux need one bit each instead of reading their bytes.
   */
  private final long[] identStarts;
  /** The own strings' end, at most BTF_MAX_NAME_OFFSET + 1: no offset from it is passed. */
  private final int identLimit;

  NameChecks(TypeTable types, ProblemLog log) {
    this.btf = types.btf;
    this.types = types;
    this.log = log;
    this.data = btf.array();
    this.ownStrStart = btf.startStringOffset();
    this.ownStrEnd = btf.endStringOffset();
    this.ownStrBase = btf.stringsStart() - ownStrStart;
    this.identStarts = btf.identifierStarts();
    this.identLimit = Math.min(ownStrEnd, BtfValidator.MAX_NAME_OFFSET + 1);
  }

  /** {@link Btf#isStringStart}, reading own strings directly. */
  boolean isStringStart(int off) {
    if (off >= ownStrStart && off < ownStrEnd) {
      return off == ownStrStart || data[ownStrBase + off - 1] == 0;
    }
    return btf.isStringStart(off);
  }

  boolean nameOffsetValid(int off) {
    return off >= 0 && off <= BtfValidator.MAX_NAME_OFFSET && btf.hasStringOffset(off);
  }

  /** Why the name at {@code off} (a valid offset) is not an identifier, or null when it is one. */
  String identifierProblem(int off) {
    return nameProblem(off, false);
  }

  /**
   * The kernel's btf_name_valid_identifier ({@code section == false}: 6.1's
   * {@code [A-Za-z_.][A-Za-z0-9_.]*}) or btf_name_valid_section (any printable characters).
   */
  private String nameProblem(int off, boolean section) {
    // Names are shared: vmlinux has ~400k name slots over far fewer distinct strings. The verdict
    // for (offset, rule) never changes, so a valid offset is checked once (JFR: this loop was a
    // quarter of the vmlinux validate time).
    // Only own offsets are memoized: a base offset indexed here would grow the set to the base's
    // string length for every module validated (1.7 MB of bits each on vmlinux).
    java.util.BitSet valid = section ? validSectionNames : validIdentifiers;
    boolean own = off >= ownStrStart && off < ownStrEnd;
    if (own && valid.get(off - ownStrStart)) {
      return null;
    }
    String why = checkNameBytes(off, section);
    if (why == null && own) {
      valid.set(off - ownStrStart);
    }
    return why;
  }

  private final java.util.BitSet validIdentifiers = new java.util.BitSet();
  private final java.util.BitSet validSectionNames = new java.util.BitSet();

  /**
   * Whether {@code off} is a non-zero string offset, in range, at the start of a string that is a
   * valid identifier: then every check of a name slot that may or must be an identifier passes.
   * Own offsets read this blob's bitmap; a base's offsets (most member names of a split module)
   * read the base's, made once per base.
   */
  boolean isIdentifierStart(int off) {
    if (off <= 0 || off >= identLimit) { // 0, negative, past the own strings or BTF_MAX_NAME_OFFSET

      return false;
    }
    long[] bits = identStarts;
    int local = off - ownStrStart;
    if (local < 0) {
      Btf owner = btf.base();
      while (off < owner.startStringOffset()) {
        owner = owner.base();
      }
      bits = owner.identifierStarts();
      local = off - owner.startStringOffset();
    }
    return (bits[local >>> 6] & (1L << local)) != 0;
  }

  private String checkNameBytes(int off, boolean section) {
    Btf owner = btf; // the blob whose string section holds off, found once, not per byte
    while (off < owner.startStringOffset()) {
      owner = owner.base();
    }
    int first = owner.startStringOffset();
    int limit = owner.endStringOffset();
    int p = off;
    for (int i = 0; ; i++, p++) {
      if (p >= limit) {
        return "name not NUL-terminated inside the string section";
      }
      int c = owner.stringByte(p - first);
      if (c == 0) {
        return i == 0 ? "empty name (name_off " + off + " points at a NUL byte)" : null;
      }
      if (i >= BtfValidator.KSYM_NAME_LEN - 1) {
        return "name longer than " + (BtfValidator.KSYM_NAME_LEN - 1) + " bytes";
      }
      boolean ok = section ? c >= 0x20 && c < 0x7f
          : c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return "'" + shortName(off) + "' is not a valid " + (section ? "section name" : "identifier")
            + " (" + charDesc(c) + " at " + i + ")";
      }
    }
  }

  String shortName(int off) {
    String s = btf.string(off);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static String charDesc(int c) {
    return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
  }

  /**
   * Checks a name slot: offset in range, at a string start (lint), and when {@code rule} says so,
   * present and valid. Returns false when the offset is out of range.
   */
  boolean checkName(int id, int member, int word, NameRule rule) {
    int off = types.word(id, word);
    if (rule != NameRule.NONE && rule != NameRule.SECTION && isIdentifierStart(off)) {
      return true; // in range, at a string start, a non-empty identifier: nothing to report
    }
    if (!nameOffsetValid(off)) {
      log.error(Stage.META, id, member, word,
          "Invalid " + (member >= 0 ? "member " : "") + "name_offset:" + Integer.toUnsignedString(off)
              + " (strings end at " + btf.endStringOffset() + ")");
      return false;
    }
    if (off != 0 && !isStringStart(off)) {
      log.warning(Stage.LINT, id, member, word,
          "name_off " + off + " points into the middle of a string (reads as '" + shortName(off)
              + "'): a split blob read against the wrong base?");
    }
    switch (rule) {
      case ANY:
        break;
      case NONE:
        if (off != 0) {
          log.error(Stage.META, id, member, word,
              "Invalid name: must be anonymous, has name_off " + off + " ('" + shortName(off) + "')");
        }
        break;
      case OPTIONAL_IDENT:
      case IDENT:
        if (off == 0) {
          if (rule == NameRule.IDENT) {
            log.error(Stage.META, id, member, word, "Invalid name: a name is required");
          }
        } else {
          String why = identifierProblem(off);
          if (why != null) {
            log.error(Stage.META, id, member, word, "Invalid name: " + why);
          }
        }
        break;
      case NON_EMPTY:
        if (btf.string(off).isEmpty()) {
          log.error(Stage.META, id, member, word, "Invalid name: must not be empty");
        }
        break;
      case SECTION:
        if (off == 0) {
          log.error(Stage.META, id, member, word, "Invalid name: a section name is required");
        } else {
          String why = nameProblem(off, true);
          if (why != null) {
            log.error(Stage.META, id, member, word, "Invalid name: " + why);
          } else if (identifierProblem(off) != null) {
            log.warning(Stage.META, id, member, word,
                "section name '" + shortName(off) + "' is not an identifier: kernels before 6.5 reject it");
          }
        }
        break;
    }
    return true;
  }

  enum NameRule {
    ANY,
    NONE,
    OPTIONAL_IDENT,
    IDENT,
    NON_EMPTY,
    SECTION
  }
}
