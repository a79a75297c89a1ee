package dev.btfscan.btf;

import java.util.Locale;

/** How a module carries its BTF. */
public enum BtfForm {
  /** Ids and strings continue a vmlinux's: valid only against the build it was made for. */
  SPLIT,
  /** Self-contained: ids from 1, strings from 0, as {@code pahole -J} without a base writes. */
  STANDALONE,
  /** Split BTF plus a {@code .BTF.base} section describing the base it needs (kernel 6.11+). */
  DISTILLED,
  /** No {@code .BTF} section. */
  NONE,
  /** A {@code .BTF} section that cannot be read as BTF at all. */
  INVALID;

  /** The spelling used in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
