package dev.btfscan.analysis;

import dev.btfscan.btf.BaseReference;
import dev.btfscan.btf.BaseReference.Status;
import java.util.List;

/**
 * Why a split module does or does not fit a base other than its own, reference by reference.
 *
 * @param builtOn the release (or source) the module was built against and resolved from
 * @param references every base type the module references, resolved in the target base
 * @param strings the base strings its names use, resolved likewise
 */
public record Explanation(String builtOn, List<BaseReference> references, dev.btfscan.btf.StringReferences strings) {

  public long count(Status status) {
    return references.stream().filter(r -> r.status() == status).count();
  }

  /** References whose old id now lands on an unrelated type: what reading it as is would use. */
  public long wrong() {
    return references.stream().filter(r -> r.landsOn() != null).count();
  }

  /** The references a kernel engineer must look at: changed and gone first, then moved. */
  public List<BaseReference> notable(int max) {
    return references.stream()
        .filter(r -> r.status() != Status.UNCHANGED)
        .sorted(java.util.Comparator.comparing((BaseReference r) -> r.status() == Status.MOVED).thenComparingInt(BaseReference::oldId))
        .limit(max)
        .toList();
  }
}
