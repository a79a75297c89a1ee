package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Standalone BTF of the out-of-tree fixture module ({@code pahole -J}) normalized by dedup against
 * the Debian 53 vmlinux, compared with what {@code pahole -J --btf_base} made of the same module.
 */
class DedupNormalizerTest {
  static final Btf VMLINUX = RealBtf.vmlinux(RealBtf.R53);

  @Test
  void dedupKeepsExactlyTheOwnTypesPaholeKeepsAndEachIsTheSameType() throws Exception {
    Btf standalone = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-standalone.btf"));
    Btf pahole = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-split.btf"), VMLINUX);
    DedupNormalizer.Result r = DedupNormalizer.dedup(standalone, BaseIndex.of(VMLINUX));
    Btf ours = BtfParser.parse(r.blob(), VMLINUX);

    assertEquals(pahole.typeCount(), ours.typeCount(), "own types after dedup");
    assertEquals(standalone.typeCount() - ours.typeCount(), r.dedupedTypes());
    // Every named own type has its twin in pahole's output, same kind, name and layout.
    Map<String, Integer> theirs = new HashMap<>();
    for (int id = pahole.startId(); id < pahole.endId(); id++) {
      theirs.put(TypeMatcher.describe(pahole, id), id);
    }
    TypeMatcher same = new TypeMatcher(ours, pahole);
    int named = 0;
    for (int id = ours.startId(); id < ours.endId(); id++) {
      if (ours.nameOffset(id) == 0) {
        continue;
      }
      String what = TypeMatcher.describe(ours, id);
      Integer twin = theirs.get(what);
      assertTrue(twin != null, what + " is not in pahole's split BTF");
      assertTrue(same.equivalent(id, twin), what + ": " + same.difference(id, twin));
      named++;
    }
    assertTrue(named > 15, "the fixture module defines many named types");
  }

  /**
   * bpftool, given the vmlinux as base, reads both blobs with the same own types: compared as the
   * multiset of their {@code KIND 'name' ...} lines with ids (which differ by emission order) cut.
   */
  @Test
  void bpftoolReadsTheDedupedBlobWithTheSameOwnTypesAsPaholesSplitBtf(@TempDir Path tmp) throws Exception {
    assumeTrue(Bpftool.available(), "bpftool not installed");
    byte[] vmlinux = RealBtf.vmlinuxBytes(RealBtf.R53);
    Btf standalone = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-standalone.btf"));
    byte[] ours = DedupNormalizer.dedup(standalone, BaseIndex.of(VMLINUX)).blob();
    assertEquals(typeLines(Bpftool.dump(tmp, Fixtures.bytes("oot/btfscan_demo-split.btf"), vmlinux)),
        typeLines(Bpftool.dump(tmp, ours, vmlinux)));
  }

  /** Sorted "KIND 'name' field=..." with every id reference cut, one per own type. */
  static List<String> typeLines(String dump) {
    return dump.lines()
        .filter(l -> l.startsWith("["))
        .map(l -> l.substring(l.indexOf(']') + 2).replaceAll("(type_id|ret_type_id|index_type_id)=\\d+", "$1=#"))
        .sorted()
        .toList();
  }

  @Test
  void everyReferenceInTheDedupedBlobResolvesOnTheBase() throws Exception {
    Btf standalone = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-standalone.btf"));
    Btf ours = BtfParser.parse(DedupNormalizer.dedup(standalone, BaseIndex.of(VMLINUX)).blob(), VMLINUX);
    for (int id = ours.startId(); id < ours.endId(); id++) {
      for (int s : TypeRefs.typeIdSlots(ours.kind(id), ours.vlen(id))) {
        assertTrue(ours.hasId(ours.word(id, s)), "type [" + id + "] slot " + s);
      }
    }
  }
}
