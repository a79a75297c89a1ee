package dev.btfscan.btf;

/**
 * Normalizes standalone BTF into compact split BTF on a base: every type that has an equivalent
 * in the base (same kind, name and layout, see {@link TypeMatcher}; anonymous types by structure)
 * becomes a reference to the base type, and only the module's own types remain, renumbered after
 * the base's. This is what {@code pahole -J --btf_base vmlinux} would have produced had the
 * vmlinux been at hand when the module was built.
 *
 * <p>A forward declaration with no equivalent forward in the base resolves to the base's one
 * struct or union of that name, if exactly one exists, as libbpf's dedup resolves forwards.
 */
public final class DedupNormalizer {
  private DedupNormalizer() {}

  /** The outcome: the blob and how many types went to the base. */
  public record Result(byte[] blob, int ownTypes, int dedupedTypes) {}

  public static Result dedup(Btf standalone, BaseIndex index) {
    if (standalone.isSplit()) {
      throw new IllegalArgumentException("not standalone BTF: it is split on a base");
    }
    Btf base = index.btf();
    TypeMatcher matcher = new TypeMatcher(standalone, base);
    int first = standalone.startId();
    int n = standalone.typeCount();
    int[] target = new int[n]; // base id, or 0 when the type stays the module's own
    for (int i = 0; i < n; i++) {
      target[i] = baseEquivalent(standalone, first + i, index, matcher);
    }
    int[] ownId = new int[n];
    int next = base.endId();
    for (int i = 0; i < n; i++) {
      if (target[i] == 0) {
        ownId[i] = next++;
      }
    }
    BtfBuilder out = new BtfBuilder(base);
    for (int i = 0; i < n; i++) {
      if (target[i] != 0) {
        continue;
      }
      int id = first + i;
      int[] w = standalone.words(id);
      BtfKind kind = standalone.kind(id);
      int vlen = standalone.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        int ref = w[s];
        if (ref != 0) {
          int k = ref - first;
          w[s] = target[k] != 0 ? target[k] : ownId[k];
        }
      }
      for (int s : TypeRefs.nameSlots(kind, vlen)) {
        w[s] = w[s] == 0 ? 0 : out.addString(standalone.string(w[s]));
      }
      out.addType(w);
    }
    return new Result(out.build(base.order()), out.typeCount(), n - out.typeCount());
  }

  private static int baseEquivalent(Btf standalone, int id, BaseIndex index, TypeMatcher matcher) {
    for (int c : index.candidates(standalone, id)) {
      if (matcher.equivalent(id, c)) {
        return c;
      }
    }
    if (standalone.kind(id) == BtfKind.FWD) {
      BtfKind aggregate = standalone.kindFlag(id) ? BtfKind.UNION : BtfKind.STRUCT;
      int[] defs = index.named(aggregate, standalone.name(id));
      if (defs.length == 1) {
        return defs[0];
      }
    }
    return 0;
  }
}
