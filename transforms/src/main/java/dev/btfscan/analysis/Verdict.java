package dev.btfscan.analysis;

/** The answer for one module: is its BTF usable on the kernel it is checked against? */
public enum Verdict {
  /** Split BTF built against this very base, and valid on it. */
  OK("ok"),
  /** Standalone BTF, now renumbered (or deduplicated) into split form on the base. */
  REMAPPED("remapped"),
  /** Distilled or foreign split BTF, relocated onto the base. */
  RELOCATED("relocated"),
  /** Split BTF built against another base, or references that do not resolve on this one. */
  MISMATCH("mismatch"),
  /** The module has no BTF. */
  NO_BTF("no-btf"),
  /** Nothing to check against: no kernel of the module's release among the inputs. */
  NO_VMLINUX("no-vmlinux"),
  /** The module or its BTF is damaged. */
  INVALID("invalid");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Verdict ofLabel(String label) {
    for (Verdict v : values()) {
      if (v.label.equals(label)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown verdict '" + label + "'");
  }
}
