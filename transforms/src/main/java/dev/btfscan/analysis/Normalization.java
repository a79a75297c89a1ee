package dev.btfscan.analysis;

import java.util.Locale;

/** How standalone BTF is turned into split form on its base. */
public enum Normalization {
  /** Every type kept, ids and strings shifted after the base's (the seed RFC's renumbering). */
  RENUMBER,
  /** Types equivalent to base types replaced by references to them; only the module's own remain. */
  DEDUP;

  public static Normalization parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
