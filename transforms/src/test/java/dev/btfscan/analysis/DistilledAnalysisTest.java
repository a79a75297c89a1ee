package dev.btfscan.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfBuilder;
import dev.btfscan.btf.BtfDumper;
import dev.btfscan.btf.BtfForm;
import dev.btfscan.btf.BtfKind;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Modules with a distilled base ({@code .BTF.base}): relocated, mismatched, or ambiguous. */
class DistilledAnalysisTest {

  static int info(BtfKind kind, int vlen) {
    return kind.code() << 24 | vlen;
  }

  static ModuleResult analyze(ModuleBtf module, KernelBase base) {
    return new ModuleAnalyzer(List.of(), Kernels.NONE).analyze(module, base);
  }

  @ParameterizedTest(name = "onto {0}")
  @CsvSource({RealBtf.R53 + ", 53", RealBtf.R47 + ", 47"})
  void theOutOfTreeDistilledModuleIsRelocatedOntoEitherKernel(String release, String tag) throws Exception {
    ModuleImage ko = ModuleImage.from(Fixtures.bytes("oot/btfscan_demo-distilled.ko"));
    KernelBase base = new KernelBase(release, "fixtures:" + tag, RealBtf.vmlinux(release));
    ModuleResult r = analyze(new ModuleBtf(ko.btf().orElseThrow(), ko.btfBase().orElseThrow()), base);
    assertEquals(Verdict.RELOCATED, r.verdict(), r.problems().toString());
    assertEquals(BtfForm.DISTILLED, r.form());
    assertEquals(62, r.types());
    Btf dist = BtfParser.parse(ko.btfBase().orElseThrow());
    assertTrue(r.formEvidence().startsWith("has .BTF.base with 12 types (" + dist.stringsLength() + " string bytes); .BTF split on it (ids from 13, strings after its "
        + dist.stringsLength() + " bytes; every own string is referenced at base offset + " + dist.stringsLength()), r.formEvidence());
    assertEquals(List.of(), r.problems());
    assertEquals("relocated: 12 distilled base types mapped onto " + release + "; own ids from " + base.btf().endId(), r.notes().get(0));
    String expected = new String(Fixtures.bytes("oot/btfscan_demo-distilled.ko.bpftool-relocated-" + tag + ".txt"), StandardCharsets.UTF_8);
    assertEquals(expected, BtfDumper.dump(BtfParser.parse(r.blob(), base.btf())));
  }

  /** A real Debian module given a distilled base by btf-scan, then scanned against the other build. */
  @Test
  void afKeyDistilledOn53IsRelocatedOnto47() throws Exception {
    Btf afKey = BtfParser.parse(RealBtf.moduleBtf("modules/" + RealBtf.R53 + "/af_key.ko"), RealBtf.vmlinux(RealBtf.R53));
    dev.btfscan.btf.Distiller.Result d = dev.btfscan.btf.Distiller.distill(afKey);
    KernelBase k47 = new KernelBase(RealBtf.R47, "fixtures:47", RealBtf.vmlinux(RealBtf.R47));
    ModuleResult r = analyze(new ModuleBtf(d.split(), d.base()), k47);
    assertEquals(Verdict.RELOCATED, r.verdict(), r.problems().toString());
    assertEquals(d.ownTypes() + d.copiedTypes(), r.types());
    assertTrue(r.formEvidence().startsWith("has .BTF.base with " + d.baseTypes() + " types"), r.formEvidence());
    assertEquals(k47.btf().endId(), BtfParser.parse(r.blob(), k47.btf()).startId());
  }

  /** Kernel: [1] int, [2] struct list_head (size {@code listHead}), [3] struct task_struct (optional). */
  static Btf kernel(int listHead, boolean taskStruct) throws Exception {
    BtfBuilder b = new BtfBuilder(null);
    b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020});
    b.addType(new int[] {b.addString("list_head"), info(BtfKind.STRUCT, 0), listHead});
    if (taskStruct) {
      b.addType(new int[] {b.addString("task_struct"), info(BtfKind.STRUCT, 0), 64});
    }
    return BtfParser.parse(b.build(ByteOrder.LITTLE_ENDIAN));
  }

  /** Distilled base [1] int, [2] list_head 16, [3] task_struct 64; module struct m { list_head l; task_struct *t; int i; }. */
  static ModuleBtf distilledModule() throws Exception {
    BtfBuilder d = new BtfBuilder(null);
    d.addType(new int[] {d.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020});
    d.addType(new int[] {d.addString("list_head"), info(BtfKind.STRUCT, 0), 16});
    d.addType(new int[] {d.addString("task_struct"), info(BtfKind.STRUCT, 0), 64});
    byte[] distBytes = d.build(ByteOrder.LITTLE_ENDIAN);
    BtfBuilder m = new BtfBuilder(BtfParser.parse(distBytes));
    m.addType(new int[] {m.addString("m"), info(BtfKind.STRUCT, 3), 32, m.addString("l"), 2, 0, m.addString("t"), 5, 128, m.addString("i"), 1, 192});
    m.addType(new int[] {0, info(BtfKind.PTR, 0), 3});
    return new ModuleBtf(m.build(ByteOrder.LITTLE_ENDIAN), distBytes);
  }

  @Test
  void aModuleWhoseKernelMatchesIsRelocated() throws Exception {
    ModuleResult r = analyze(distilledModule(), new KernelBase("k", "k", kernel(16, true)));
    assertEquals(Verdict.RELOCATED, r.verdict(), r.problems().toString());
    assertNotNull(r.blob());
  }

  @Test
  void aKernelWhereAnEmbeddedStructChangedSizeAndAnotherVanishedIsAMismatchNamingEachType() throws Exception {
    ModuleResult r = analyze(distilledModule(), new KernelBase("k", "k", kernel(24, false)));
    assertEquals(Verdict.MISMATCH, r.verdict());
    assertEquals(BtfForm.DISTILLED, r.form());
    assertNull(r.blob());
    assertEquals(List.of(
        "relocation onto k failed: 2 of 3 distilled base types have no single match",
        "distilled base type [2] STRUCT 'list_head' size 16: vmlinux has size 24 [2]",
        "distilled base type [3] STRUCT 'task_struct' size 64: vmlinux has no STRUCT named 'task_struct'"), r.problems());
  }

  @Test
  void withoutAVmlinuxTheVerdictSaysSo() throws Exception {
    ModuleResult r = analyze(distilledModule(), null);
    assertEquals(Verdict.NO_VMLINUX, r.verdict());
    assertEquals(BtfForm.DISTILLED, r.form());
  }

  @Test
  void aDistilledBaseHoldingOtherKindsIsInvalid() throws Exception {
    BtfBuilder d = new BtfBuilder(null);
    d.addType(new int[] {d.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020});
    d.addType(new int[] {0, info(BtfKind.PTR, 0), 1});
    byte[] distBytes = d.build(ByteOrder.LITTLE_ENDIAN);
    BtfBuilder m = new BtfBuilder(BtfParser.parse(distBytes));
    m.addType(new int[] {m.addString("m"), info(BtfKind.STRUCT, 1), 8, m.addString("p"), 2, 0});
    ModuleResult r = analyze(new ModuleBtf(m.build(ByteOrder.LITTLE_ENDIAN), distBytes), new KernelBase("k", "k", kernel(16, true)));
    assertEquals(Verdict.INVALID, r.verdict());
    assertEquals(List.of(".BTF.base: type [2] PTR '(anon)': kind PTR cannot be in a distilled base (only named INT, FLOAT, ENUM, STRUCT, UNION, FWD)"),
        r.problems());
  }

  @Test
  void aStandaloneBtfBesideADistilledBaseIsJudgedStandaloneAndTheRowSaysWhy() throws Exception {
    Btf k = kernel(16, true);
    BtfBuilder s = new BtfBuilder(null);
    s.addType(new int[] {s.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020});
    s.addType(new int[] {s.addString("m"), info(BtfKind.STRUCT, 1), 4, s.addString("i"), 1, 0});
    ModuleResult r = analyze(new ModuleBtf(s.build(ByteOrder.LITTLE_ENDIAN), distilledModule().btfBase()), new KernelBase("k", "k", k));
    assertEquals(BtfForm.STANDALONE, r.form());
    assertEquals(Verdict.REMAPPED, r.verdict(), r.problems().toString());
    assertTrue(r.formEvidence().startsWith("ambiguous: has .BTF.base with 3 types (27 string bytes), but .BTF reads as standalone ("), r.formEvidence());
    assertEquals(".BTF.base is present but .BTF does not use it: .BTF is standalone", r.problems().get(0));
  }

  @Test
  void aBtfSplitOnTheVmlinuxBesideADistilledBaseIsJudgedAsSplitOnTheVmlinux() throws Exception {
    Btf k = kernel(16, true);
    BtfBuilder m = new BtfBuilder(k);
    m.addType(new int[] {m.addString("mod_only"), info(BtfKind.STRUCT, 1), 16, m.addString("l"), 2, 0});
    // A .BTF.base whose string section differs in length from the vmlinux's.
    BtfBuilder d = new BtfBuilder(null);
    d.addType(new int[] {d.addString("list_head"), info(BtfKind.STRUCT, 0), 16});
    ModuleResult r = analyze(new ModuleBtf(m.build(ByteOrder.LITTLE_ENDIAN), d.build(ByteOrder.LITTLE_ENDIAN)), new KernelBase("k", "k", k));
    assertEquals(BtfForm.SPLIT, r.form());
    assertEquals(Verdict.OK, r.verdict(), r.problems().toString());
    assertTrue(r.formEvidence().startsWith("ambiguous: has .BTF.base with 1 types (11 string bytes), but .BTF is split on a base of "
        + k.stringsLength() + " string bytes"), r.formEvidence());
    assertTrue(r.formEvidence().endsWith("judged as split on the vmlinux's k"), r.formEvidence());
  }
}
