package dev.btfscan.btf;

import java.util.List;

/**
 * One type of the old base that a split module references, resolved in a new base.
 *
 * @param oldId the id the module uses
 * @param type the type it meant ({@code STRUCT 'sk_buff'})
 * @param newId where the same type is in the new base, or -1
 * @param detail for {@code CHANGED}: the first difference ({@code size 232 -> 240})
 * @param landsOn what the old id means in the new base, when that is another type (the module
 *     read as is would use it: "wrong"); {@code null} when the id still means the same type
 * @param usedBy the module's own types and members that reference it (first few)
 */
public record BaseReference(
    int oldId, String type, Status status, int newId, String detail, String landsOn, List<String> usedBy) {

  public enum Status {
    /** Same kind, name and layout at the same id. */
    UNCHANGED,
    /** The same type at another id. */
    MOVED,
    /** A type of the same kind and name whose layout differs. */
    CHANGED,
    /** No type of that kind and name any more. */
    GONE
  }

  /** The report line: {@code [4711] STRUCT 'sk_buff' changed: size 232 -> 240 (used by ...)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(oldId).append("] ").append(type).append(' ').append(status.name().toLowerCase(java.util.Locale.ROOT));
    if (status == Status.MOVED) {
      sb.append(" to [").append(newId).append(']');
    }
    if (detail != null) {
      sb.append(": ").append(detail);
    }
    if (landsOn != null) {
      sb.append("; id ").append(oldId).append(" is now ").append(landsOn);
    }
    if (!usedBy.isEmpty()) {
      sb.append(" (used by ").append(String.join(", ", usedBy)).append(')');
    }
    return sb.toString();
  }
}
