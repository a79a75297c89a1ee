package dev.btfscan.btf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The base strings a split module names its types and members by (libbpf's dedup points module
 * names at identical vmlinux strings), resolved in another base: still at the same offset
 * (unchanged), elsewhere (moved: read as is, the old offset now names something else), or gone.
 *
 * @param examples the first few moved or gone strings, as report lines
 */
public record StringReferences(long unchanged, long moved, long gone, List<String> examples) {
  private static final int MAX_EXAMPLES = 5;

  static StringReferences resolve(Btf module, BaseIndex index) {
    Btf oldBase = module.base();
    Btf newBase = index.btf();
    Set<Integer> offsets = new LinkedHashSet<>();
    for (int id = module.startId(); id < module.endId(); id++) {
      for (int s : TypeRefs.nameSlots(module.kind(id), module.vlen(id))) {
        int off = module.word(id, s);
        if (off > 0 && off < module.startStringOffset()) {
          offsets.add(off);
        }
      }
    }
    long unchanged = 0;
    long moved = 0;
    long gone = 0;
    List<String> examples = new ArrayList<>();
    for (int off : offsets) {
      String meant = oldBase.string(off);
      String now = newBase.hasStringOffset(off) ? newBase.string(off) : null;
      if (meant != null && meant.equals(now) && newBase.isStringStart(off)) {
        unchanged++;
        continue;
      }
      int there = meant == null ? -1 : index.stringOffset(meant);
      String reads = now == null ? "out of range" : newBase.isStringStart(off) ? "'" + now + "'" : "the middle of '" + now + "'";
      if (there >= 0) {
        moved++;
        if (examples.size() < MAX_EXAMPLES) {
          examples.add("'" + meant + "' at " + off + " moved to " + there + "; " + off + " now reads " + reads);
        }
      } else {
        gone++;
        if (examples.size() < MAX_EXAMPLES) {
          examples.add("'" + meant + "' at " + off + " gone; " + off + " now reads " + reads);
        }
      }
    }
    return new StringReferences(unchanged, moved, gone, List.copyOf(examples));
  }
}
