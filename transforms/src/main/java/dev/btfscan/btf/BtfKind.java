package dev.btfscan.btf;

/**
 * The BTF kinds the kernel defines (include/uapi/linux/btf.h), with their wire codes and the size
 * of the data that follows the 12-byte {@code struct btf_type}.
 *
 * <p>Adding a kind means updating: this enum, {@link TypeRefs} (its id and name slots),
 * {@link BtfDumper}, {@link BtfValidator} and the structural comparison used by rebase and dedup.
 * Kinds this code does not know can still be sized (and so skipped, dumped as UNKN and round-tripped)
 * when the blob carries a kind-layout section.
 */
public enum BtfKind {
  INT(1, "INT", 4, 0),
  PTR(2, "PTR", 0, 0),
  ARRAY(3, "ARRAY", 12, 0),
  STRUCT(4, "STRUCT", 0, 12),
  UNION(5, "UNION", 0, 12),
  ENUM(6, "ENUM", 0, 8),
  FWD(7, "FWD", 0, 0),
  TYPEDEF(8, "TYPEDEF", 0, 0),
  VOLATILE(9, "VOLATILE", 0, 0),
  CONST(10, "CONST", 0, 0),
  RESTRICT(11, "RESTRICT", 0, 0),
  FUNC(12, "FUNC", 0, 0),
  FUNC_PROTO(13, "FUNC_PROTO", 0, 8),
  VAR(14, "VAR", 4, 0),
  DATASEC(15, "DATASEC", 0, 12),
  FLOAT(16, "FLOAT", 0, 0),
  DECL_TAG(17, "DECL_TAG", 4, 0),
  TYPE_TAG(18, "TYPE_TAG", 0, 0),
  ENUM64(19, "ENUM64", 0, 12);

  /** Size of {@code struct btf_type}: name_off, info, size/type. */
  public static final int COMMON_SIZE = 12;

  private static final BtfKind[] BY_CODE = new BtfKind[32];

  static {
    for (BtfKind k : values()) {
      BY_CODE[k.code] = k;
    }
  }

  private final int code;
  private final String label;
  private final int infoSize;
  private final int memberSize;

  BtfKind(int code, String label, int infoSize, int memberSize) {
    this.code = code;
    this.label = label;
    this.infoSize = infoSize;
    this.memberSize = memberSize;
  }

  /** The wire code in bits 24-30 of {@code info}. */
  public int code() {
    return code;
  }

  /** The spelling bpftool uses in its raw dump. */
  public String label() {
    return label;
  }

  /** Bytes of kind-specific data after the common 12 bytes, independent of vlen. */
  public int infoSize() {
    return infoSize;
  }

  /** Bytes per vlen element (member, enumerator, parameter, section variable). */
  public int memberSize() {
    return memberSize;
  }

  /** The kind for a wire code, or {@code null} for a code this code base does not know. */
  public static BtfKind of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Kinds whose third word is a byte size rather than a type id. */
  public boolean hasSize() {
    switch (this) {
      case INT:
      case STRUCT:
      case UNION:
      case ENUM:
      case DATASEC:
      case FLOAT:
      case ENUM64:
        return true;
      default:
        return false;
    }
  }

  /** Kinds whose third word is a type id. */
  public boolean hasTypeRef() {
    switch (this) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case FUNC:
      case FUNC_PROTO:
      case VAR:
      case DECL_TAG:
      case TYPE_TAG:
        return true;
      default:
        return false;
    }
  }

  /** Modifier-like kinds that just point at another type (the kernel's btf_type_is_modifier plus TYPEDEF). */
  public boolean isModifier() {
    switch (this) {
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case TYPE_TAG:
        return true;
      default:
        return false;
    }
  }
}
