package dev.btfscan.report;

import dev.btfscan.analysis.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the reports order and colour verdict labels: {@link Verdict} order, unknown labels last. */
final class Verdicts {
  private Verdicts() {}

  /** The verdicts that need a person: listed one by one in report.md. */
  static final List<String> ATTENTION = List.of(Verdict.MISMATCH.label(), Verdict.INVALID.label());

  /** Rank of a label in {@link Verdict} order; labels this version does not know come after. */
  static int rank(String label) {
    for (Verdict v : Verdict.values()) {
      if (v.label().equals(label)) {
        return v.ordinal();
      }
    }
    return Verdict.values().length;
  }

  static final Comparator<String> ORDER = Comparator.comparingInt(Verdicts::rank).thenComparing(Comparator.naturalOrder());

  /** The labels among {@code present}, in report order. */
  static List<String> ordered(Collection<String> present) {
    List<String> l = new ArrayList<>(new java.util.TreeSet<>(present));
    l.sort(ORDER);
    return l;
  }

  /** A fill colour per known verdict; {@code null} for an unknown one. */
  static String color(Verdict v) {
    return switch (v) {
      case OK -> "#2e7d32";
      case REMAPPED -> "#7cb342";
      case RELOCATED -> "#0288d1";
      case MISMATCH -> "#d32f2f";
      case NO_BTF -> "#9e9e9e";
      case NO_VMLINUX -> "#8d6e63";
      case INVALID -> "#6a1b9a";
    };
  }

  static final String OTHER_COLOR = "#455a64";

  /** The colour of a label, known or not. */
  static String color(String label) {
    int r = rank(label);
    return r < Verdict.values().length ? color(Verdict.values()[r]) : OTHER_COLOR;
  }

  /** A CSS class for a label: {@code v-<label>} for a known verdict, {@code v-other} else. */
  static String cssClass(String label) {
    return rank(label) < Verdict.values().length ? "v-" + label : "v-other";
  }
}
