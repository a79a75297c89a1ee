package dev.btfscan.btf;

/**
 * One finding of {@link BtfValidator}: where it is (type id, member, byte offset) and what is
 * wrong, in words a kernel engineer can check against {@code bpftool btf dump} and {@code xxd}.
 *
 * @param severity {@link Severity#ERROR} when the kernel stage named by {@code stage} rejects the
 *     blob, {@link Severity#WARNING} for what only some kernel versions reject or no kernel checks
 * @param stage the kernel check this corresponds to
 * @param typeId the type, or -1 for header and string-section problems
 * @param kind the type's kind label ({@code STRUCT}, {@code UNKN} for code 0, {@code KIND_25} for
 *     a code this code base does not know), or {@code null} without a type
 * @param name the type's name, {@code ""} when anonymous, {@code null} without a type or when its
 *     name offset is out of range
 * @param member the member, enumerator, parameter or section variable index, or -1
 * @param memberName its name ({@code null} when it has none that can be read)
 * @param offset byte offset from the start of the blob (its header), or -1 when not meaningful
 * @param message what is wrong, with the offending values
 */
public record BtfProblem(
    Severity severity,
    Stage stage,
    int typeId,
    String kind,
    String name,
    int member,
    String memberName,
    long offset,
    String message) implements java.io.Serializable {

  public enum Severity {
    ERROR,
    WARNING
  }

  /**
   * The kernel check a problem belongs to (kernel/bpf/btf.c). Module and vmlinux BTF go through
   * {@link #HEADER}, {@link #STRINGS}, {@link #META} and {@link #TYPE_TAGS} at load time; the
   * {@link #RESOLVE} checks run for BTF loaded with BPF_BTF_LOAD (and describe BTF that breaks
   * pretty-printing and CO-RE); {@link #LINT} is what no kernel checks but a sound tool never emits.
   */
  public enum Stage {
    /** btf_parse_hdr / btf_check_sec_info: section placement. */
    HEADER,
    /** btf_parse_str_sec. */
    STRINGS,
    /** btf_check_all_metas and the per-kind check_meta functions. */
    META,
    /** btf_check_type_tags: modifier chains. */
    TYPE_TAGS,
    /** btf_check_all_types / btf_resolve: references, sizes, member placement, loops. */
    RESOLVE,
    /** Not a kernel check. */
    LINT
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The word for a vlen element of this problem's kind. */
  private String memberLabel() {
    if ("FUNC_PROTO".equals(kind)) {
      return "param";
    }
    if ("DATASEC".equals(kind)) {
      return "var";
    }
    if ("ENUM".equals(kind) || "ENUM64".equals(kind)) {
      return "value";
    }
    return "member";
  }

  /**
   * Reads like {@code type [123] STRUCT 'foo' member 2 'bar': invalid type id 99999 (last id
   * 98000) at offset 0x1a2c}; problems without a type start with the stage ({@code header:},
   * {@code strings:}).
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(96);
    if (typeId >= 0) {
      sb.append("type [").append(Integer.toUnsignedString(typeId)).append("] ").append(kind);
      sb.append(' ').append(name == null ? "<bad name_off>" : "'" + name + "'");
      if (member >= 0) {
        sb.append(' ').append(memberLabel()).append(' ').append(member);
        if (memberName != null) {
          sb.append(" '").append(memberName).append('\'');
        }
      }
    } else {
      sb.append(stage.name().toLowerCase(java.util.Locale.ROOT));
    }
    sb.append(": ").append(message);
    if (offset >= 0) {
      sb.append(" at offset 0x").append(Long.toHexString(offset));
    }
    return sb.toString();
  }
}
