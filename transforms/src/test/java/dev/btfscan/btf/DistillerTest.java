package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Writing a distilled base for split module BTF, and relocating the result back. */
class DistillerTest {

  static Btf parse(byte[] blob, Btf base) throws BtfFormatException {
    return BtfParser.parse(blob, base);
  }

  /**
   * The split fixture is the same object pahole 1.30 distilled, but made by a pahole that emits
   * the module's functions in another order: the distilled base comes out byte for byte as
   * pahole wrote it, and the vmlinux types copied into the split BTF (ids 53..74, after the 40
   * own types) dump identically; the own types are the same 40, in that other order.
   */
  @Test
  void distillingTheSplitFixtureGivesPaholesDistilledBaseAndCopies() throws Exception {
    Btf split = parse(Fixtures.bytes("oot/btfscan_demo-split.btf"), RealBtf.vmlinux(RealBtf.R53));
    Distiller.Result d = Distiller.distill(split);
    assertEquals(HexFormat.of().formatHex(Fixtures.bytes("oot/btfscan_demo-distilled.base.btf")), HexFormat.of().formatHex(d.base()));
    Btf base = BtfParser.parse(d.base());
    assertEquals(RealBtf.fixtureText("oot/btfscan_demo-distilled.base.btf.bpftool.txt"), BtfDumper.dump(base));
    assertEquals(12, d.baseTypes());
    assertEquals(40, d.ownTypes());
    assertEquals(22, d.copiedTypes());
    Btf out = parse(d.split(), base);
    Btf pahole = parse(Fixtures.bytes("oot/btfscan_demo-distilled.btf"), base);
    StringBuilder ours = new StringBuilder();
    StringBuilder theirs = new StringBuilder();
    for (int id = 53; id <= 74; id++) {
      ours.append(BtfDumper.dumpType(out, id));
      theirs.append(BtfDumper.dumpType(pahole, id));
    }
    assertEquals(theirs.toString(), ours.toString());
    assertEquals(sortedLines(BtfDumper.dump(pahole).replaceAll("(type_id=|\\[)\\d+", "$1")),
        sortedLines(BtfDumper.dump(out).replaceAll("(type_id=|\\[)\\d+", "$1")));
  }

  static List<String> sortedLines(String dump) {
    return dump.lines().sorted().toList();
  }

  /**
   * pahole's distilled module relocated onto 53 and distilled again against 53 is pahole's
   * distilled module again, byte for byte: the copies relocation kept are now own types that
   * need only the same 12 named base types.
   */
  @Test
  void distillingPaholesRelocatedModuleAgainGivesPaholesSectionsBack() throws Exception {
    Btf vmlinux = RealBtf.vmlinux(RealBtf.R53);
    byte[] baseBytes = Fixtures.bytes("oot/btfscan_demo-distilled.base.btf");
    byte[] splitBytes = Fixtures.bytes("oot/btfscan_demo-distilled.btf");
    Btf pahole = parse(splitBytes, BtfParser.parse(baseBytes));
    DistilledRelocator.Result r = DistilledRelocator.relocate(pahole, BaseIndex.of(vmlinux));
    Distiller.Result again = Distiller.distill(parse(r.blob(), vmlinux));
    assertEquals(0, again.copiedTypes());
    Btf base = BtfParser.parse(again.base());
    assertEquals(BtfDumper.dump(pahole.base()), BtfDumper.dump(base));
    assertEquals(BtfDumper.dump(pahole), BtfDumper.dump(parse(again.split(), base)));
    assertEquals(HexFormat.of().formatHex(baseBytes), HexFormat.of().formatHex(again.base()));
    assertEquals(HexFormat.of().formatHex(splitBytes), HexFormat.of().formatHex(again.split()));
  }

  static Btf afKey53() throws Exception {
    return RealBtf.module("modules/" + RealBtf.R53 + "/af_key.ko", RealBtf.R53);
  }

  static Btf relocate(Distiller.Result d, Btf vmlinux) throws Exception {
    Btf dist = BtfParser.parse(d.base());
    Btf split = parse(d.split(), dist);
    assertEquals(List.of(), DistilledRelocator.checkDistilledBase(dist));
    assertEquals(0, BtfValidator.validate(split).errorCount(), BtfValidator.validate(split).toString());
    DistilledRelocator.Result r = DistilledRelocator.relocate(split, BaseIndex.of(vmlinux));
    assertEquals(List.of(), r.failures());
    return parse(r.blob(), vmlinux);
  }

  /**
   * Distilled against 53 and relocated back onto 53, af_key's BTF is the original's plus the
   * vmlinux types the distiller copied whole (pointers, typedefs, prototypes: relocation keeps
   * them in the module, as libbpf does). Folding each copy back into its vmlinux equivalent gives
   * a blob that dumps exactly as the original; the bytes differ only in string-section order.
   */
  @Test
  void afKeyDistilledAndRelocatedBackOntoItsVmlinuxIsTheOriginalOnceCopiesAreFolded() throws Exception {
    Btf vmlinux = RealBtf.vmlinux(RealBtf.R53);
    Btf original = afKey53();
    Distiller.Result d = Distiller.distill(original);
    Btf relocated = relocate(d, vmlinux);
    int n = original.typeCount();
    assertEquals(original.startId(), relocated.startId());
    assertEquals(n + d.copiedTypes(), relocated.typeCount());
    assertTrue(d.copiedTypes() > 0);
    assertEquals(0, BtfValidator.validate(relocated).errorCount());

    TypeMatcher same = new TypeMatcher(original, relocated);
    for (int id = original.startId(); id < original.endId(); id++) {
      assertTrue(same.equivalent(id, id), "own type " + TypeMatcher.describe(original, id));
    }
    Btf folded = fold(relocated, n, vmlinux);
    assertEquals(BtfDumper.dump(original), BtfDumper.dump(folded));
    // Same records byte for byte in length; the string sections differ: the original names many
    // members by their vmlinux string offset, the rewrite adds every name to its own section.
    assertEquals(original.header().typeLen(), folded.header().typeLen());
  }

  /** Own types of {@code relocated} with references to its copied vmlinux types sent to the vmlinux type they copy. */
  static Btf fold(Btf relocated, int own, Btf vmlinux) throws Exception {
    BaseIndex index = BaseIndex.of(vmlinux);
    TypeMatcher m = new TypeMatcher(relocated, vmlinux);
    int firstCopy = relocated.startId() + own;
    int[] to = new int[relocated.endId() - firstCopy];
    for (int c = firstCopy; c < relocated.endId(); c++) {
      for (int cand : index.candidates(relocated, c)) {
        if (m.equivalent(c, cand)) {
          to[c - firstCopy] = cand;
          break;
        }
      }
      assertTrue(to[c - firstCopy] > 0, "copy " + TypeMatcher.describe(relocated, c) + " has a vmlinux equivalent");
    }
    BtfBuilder b = new BtfBuilder(vmlinux);
    for (int id = relocated.startId(); id < firstCopy; id++) {
      int[] w = relocated.words(id);
      BtfKind kind = relocated.kind(id);
      for (int s : TypeRefs.typeIdSlots(kind, relocated.vlen(id))) {
        if (w[s] >= firstCopy) {
          w[s] = to[w[s] - firstCopy];
        }
      }
      for (int s : TypeRefs.nameSlots(kind, relocated.vlen(id))) {
        w[s] = w[s] == 0 ? 0 : b.addString(relocated.string(w[s]));
      }
      b.addType(w);
    }
    return parse(b.build(ByteOrder.LITTLE_ENDIAN), vmlinux);
  }

  /**
   * Distilled against 53 and relocated onto 47: af_key's every reference (own types, members,
   * parameters) resolves to a type of the same kind and name as on 53, through pointers and
   * modifiers, and the blob is valid on 47.
   */
  @Test
  void afKeyDistilledOn53AndRelocatedOnto47KeepsEveryReferencesKindAndName() throws Exception {
    Btf original = afKey53();
    Btf on47 = relocate(Distiller.distill(original), RealBtf.vmlinux(RealBtf.R47));
    assertEquals(0, BtfValidator.validate(on47).errorCount(), BtfValidator.validate(on47).toString());
    int checked = 0;
    for (int k = 0; k < original.typeCount(); k++) {
      int a = original.startId() + k;
      int b = on47.startId() + k;
      assertEquals(shape(original, a, 0), shape(on47, b, 0));
      BtfKind kind = original.kind(a);
      for (int s : TypeRefs.typeIdSlots(kind, original.vlen(a))) {
        assertEquals(shape(original, original.word(a, s), 3), shape(on47, on47.word(b, s), 3),
            TypeMatcher.describe(original, a) + " word " + s);
        checked++;
      }
    }
    assertTrue(checked > 300, "references checked: " + checked);
  }

  /** Kind and name; for anonymous referring kinds, what they refer to, {@code depth} levels down. */
  static String shape(Btf btf, int id, int depth) {
    if (id == 0) {
      return "void";
    }
    BtfKind k = btf.kind(id);
    String s = k.label() + " '" + btf.name(id) + "'";
    if (depth > 0 && btf.name(id).isEmpty()) {
      if (k == BtfKind.ARRAY) {
        return s + "[" + btf.word(id, 5) + "] of " + shape(btf, btf.word(id, 3), depth - 1);
      }
      if (k.hasTypeRef()) {
        return s + " -> " + shape(btf, btf.sizeOrType(id), depth - 1);
      }
    }
    return s;
  }

  /**
   * libbpf 1.5 (bpftool 7.5) accepts the sections {@link Distiller} writes for af_key, and
   * relocates them onto 53 and 47 exactly as {@link DistilledRelocator} does (see the test
   * resources' README for how the dumps were made).
   */
  @ParameterizedTest(name = "onto {0}")
  @CsvSource({RealBtf.R53 + ", 53", RealBtf.R47 + ", 47"})
  void libbpfRelocatesOurDistilledAfKeyAsWeDo(String release, String tag) throws Exception {
    Btf relocated = relocate(Distiller.distill(afKey53()), RealBtf.vmlinux(release));
    assertEquals(RealBtf.resourceText("/btf/af_key-distilled-relocated-" + tag + ".bpftool75.txt"), BtfDumper.dump(relocated));
  }

  @Test
  void standaloneBtfCannotBeDistilled() throws Exception {
    Btf standalone = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-standalone.btf"));
    assertThrows(IllegalArgumentException.class, () -> Distiller.distill(standalone));
  }
}
