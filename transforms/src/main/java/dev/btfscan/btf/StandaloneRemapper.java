package dev.btfscan.btf;

/**
 * Renumbers standalone BTF into split form on a base, as the seed RFC does in the kernel: own ids
 * move to follow the base's last id, own strings follow the base's string section, void stays 0.
 *
 * <p>Unlike the RFC's patch, name offset 0 is kept: shifting it would turn every anonymous type
 * into a type named by whatever string sits at the base's end. The output keeps every type (no
 * dedup against the base: that is {@code DedupNormalizer}'s job), so {@code bpftool btf dump -B
 * vmlinux} reads it with the same names and kinds as the standalone dump.
 */
public final class StandaloneRemapper {
  private StandaloneRemapper() {}

  /** The split blob, in the base's byte order. */
  public static byte[] renumber(Btf standalone, Btf base) {
    if (standalone.isSplit()) {
      throw new IllegalArgumentException("not standalone BTF: it is split on a base");
    }
    BtfBuilder out = new BtfBuilder(base);
    int shift = base.endId() - 1;
    for (int id = standalone.startId(); id < standalone.endId(); id++) {
      int[] w = standalone.words(id);
      BtfKind kind = standalone.kind(id);
      int vlen = standalone.vlen(id);
      for (int s : TypeRefs.typeIdSlots(kind, vlen)) {
        if (w[s] != 0) {
          w[s] += shift;
        }
      }
      for (int s : TypeRefs.nameSlots(kind, vlen)) {
        w[s] = w[s] == 0 ? 0 : out.addString(standalone.string(w[s]));
      }
      out.addType(w);
    }
    return out.build(base.order());
  }
}
