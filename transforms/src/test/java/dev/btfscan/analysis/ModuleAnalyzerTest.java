package dev.btfscan.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfBuilder;
import dev.btfscan.btf.BtfForm;
import dev.btfscan.btf.BtfKind;
import dev.btfscan.btf.BtfParser;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict rules, on small kernel-like bases built for the purpose. */
class ModuleAnalyzerTest {

  static int info(BtfKind kind, int vlen, boolean kflag) {
    return (kflag ? 0x80000000 : 0) | kind.code() << 24 | vlen;
  }

  /** A tiny vmlinux: [1] int, [2] struct list_head {next, prev}, [3] ptr -> 2; extra pads strings. */
  static Btf base(String extra) throws Exception {
    BtfBuilder b = new BtfBuilder(null);
    b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0, false), 4, 0x01000020});
    int next = b.addString("next");
    int prev = b.addString("prev");
    b.addType(new int[] {b.addString("list_head"), info(BtfKind.STRUCT, 2, false), 16, next, 3, 0, prev, 3, 64});
    b.addType(new int[] {0, info(BtfKind.PTR, 0, false), 2});
    if (!extra.isEmpty()) {
      b.addType(new int[] {b.addString(extra), info(BtfKind.INT, 0, false), 8, 0x00000040});
    }
    return BtfParser.parse(b.build(ByteOrder.LITTLE_ENDIAN));
  }

  /** A module split on {@code base}: struct demo { int a; struct list_head *l; }. */
  static byte[] splitModule(Btf base) {
    BtfBuilder m = new BtfBuilder(base);
    int a = m.addString("a");
    int l = m.addString("l");
    m.addType(new int[] {m.addString("demo"), info(BtfKind.STRUCT, 2, false), 16, a, 1, 0, l, 3, 64});
    return m.build(base.order());
  }

  /** The same module as standalone BTF, with its own int and list_head. */
  static byte[] standaloneModule() {
    BtfBuilder m = new BtfBuilder(null);
    m.addType(new int[] {m.addString("int"), info(BtfKind.INT, 0, false), 4, 0x01000020});
    int next = m.addString("next");
    int prev = m.addString("prev");
    m.addType(new int[] {m.addString("list_head"), info(BtfKind.STRUCT, 2, false), 16, next, 3, 0, prev, 3, 64});
    m.addType(new int[] {0, info(BtfKind.PTR, 0, false), 2});
    m.addType(new int[] {m.addString("demo"), info(BtfKind.STRUCT, 2, false), 16, m.addString("a"), 1, 0, m.addString("l"), 3, 64});
    return m.build(ByteOrder.LITTLE_ENDIAN);
  }

  static KernelBase kernel(String release, Btf btf) {
    return new KernelBase(release, "pkg:" + release, btf);
  }

  static KnownKernel known(String release, Btf btf) {
    return new KnownKernel(release, "pkg:" + release, btf.typeCount(), btf.stringsLength());
  }

  @Test
  void splitModuleOnTheBaseItWasBuiltAgainstIsOkAndAttributedToThatBuild() throws Exception {
    Btf base = base("");
    ModuleAnalyzer analyzer = new ModuleAnalyzer(List.of(known("1.0", base)));
    ModuleResult r = analyzer.analyze(new ModuleBtf(splitModule(base), null), kernel("1.0", base));
    assertEquals(BtfForm.SPLIT, r.form());
    assertEquals(Verdict.OK, r.verdict(), r.problems().toString());
    assertEquals(1, r.types());
    assertEquals(base.stringsLength(), r.builtAgainst().strings());
    assertEquals("1.0", r.builtAgainst().release());
    assertNotNull(r.blob());
  }

  @Test
  void splitModuleCheckedAgainstAnotherBuildIsMismatchNamingItsOwnBuild() throws Exception {
    Btf old = base("");
    Btf rebuilt = base("long long int");
    ModuleAnalyzer analyzer = new ModuleAnalyzer(List.of(known("old", old), known("new", rebuilt)));
    ModuleResult r = analyzer.analyze(new ModuleBtf(splitModule(old), null), kernel("new", rebuilt));
    assertEquals(Verdict.MISMATCH, r.verdict());
    assertEquals(old.stringsLength(), r.builtAgainst().strings());
    assertEquals("old", r.builtAgainst().release());
    assertTrue(r.problems().get(0).contains("built against a base with " + old.stringsLength() + " string bytes (old)"),
        r.problems().toString());
    assertNull(r.blob());
  }

  @Test
  void standaloneModuleIsRenumberedOntoTheBaseKeepingNamesKindsAndAnonymity() throws Exception {
    Btf base = base("");
    ModuleResult r = new ModuleAnalyzer(List.of(), Kernels.NONE, Normalization.RENUMBER).analyze(new ModuleBtf(standaloneModule(), null), kernel("1.0", base));
    assertEquals(BtfForm.STANDALONE, r.form());
    assertEquals(Verdict.REMAPPED, r.verdict(), r.problems().toString());
    Btf split = BtfParser.parse(r.blob(), base);
    Btf alone = BtfParser.parse(standaloneModule());
    assertEquals(alone.typeCount(), split.typeCount());
    for (int i = 0; i < alone.typeCount(); i++) {
      int was = alone.startId() + i;
      int now = split.startId() + i;
      assertEquals(alone.kind(was), split.kind(now));
      assertEquals(alone.name(was), split.name(now), "type " + now);
    }
    // the PTR stays anonymous and points at the renumbered list_head
    int ptr = split.startId() + 2;
    assertEquals("", split.name(ptr));
    assertEquals("list_head", split.name(split.sizeOrType(ptr)));
  }

  @Test
  void standaloneModuleIsDedupedByDefaultLeavingOnlyItsOwnTypes() throws Exception {
    Btf base = base("");
    ModuleResult r = new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(standaloneModule(), null), kernel("1.0", base));
    assertEquals(Verdict.REMAPPED, r.verdict(), r.problems().toString());
    Btf split = BtfParser.parse(r.blob(), base);
    assertEquals(1, split.typeCount(), "int, list_head and its pointer are the base's");
    int demo = split.startId();
    assertEquals("demo", split.name(demo));
    assertEquals(1, split.word(demo, 4), "member a is the base's int");
    assertEquals(3, split.word(demo, 7), "member l is the base's list_head pointer");
  }

  @Test
  void standaloneModuleWithoutAVmlinuxIsNoVmlinux() {
    ModuleResult r = new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(standaloneModule(), null), null);
    assertEquals(Verdict.NO_VMLINUX, r.verdict());
    assertEquals(4, r.types());
  }

  @Test
  void standaloneBtfWithAReferenceOutOfRangeIsInvalidNotReadAsSplit() throws Exception {
    BtfBuilder m = new BtfBuilder(null);
    m.addType(new int[] {m.addString("t"), info(BtfKind.TYPEDEF, 0, false), 9999});
    ModuleResult r = new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(m.build(ByteOrder.LITTLE_ENDIAN), null), kernel("1.0", base("")));
    assertEquals(BtfForm.STANDALONE, r.form(), r.formEvidence());
    assertEquals(Verdict.INVALID, r.verdict());
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("9999")), r.problems().toString());
  }

  @Test
  void moduleWithoutBtfIsNoBtf() throws Exception {
    ModuleResult r = new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(null, null), kernel("1.0", base("")));
    assertEquals(BtfForm.NONE, r.form());
    assertEquals(Verdict.NO_BTF, r.verdict());
  }

  @Test
  void btfTheKernelCannotReadAsStoredIsInvalidWhateverItsBytes() throws Exception {
    String why = ".BTF [off 0x40, size 0x80] is compressed (SHF_COMPRESSED) with zstd: the kernel's module loader"
        + " and libbpf read it as stored";
    ModuleResult r = new ModuleAnalyzer(List.of())
        .analyze(new ModuleBtf(new byte[0x80], null, why), kernel("1.0", base("")));
    assertEquals(BtfForm.INVALID, r.form());
    assertEquals(Verdict.INVALID, r.verdict());
    assertEquals(List.of(why), r.problems());
  }

  @Test
  void unreadableBtfIsInvalidEvenWithoutAVmlinux() {
    byte[] junk = {(byte) 0x9f, (byte) 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0};
    ModuleResult r = new ModuleAnalyzer(List.of()).analyze(new ModuleBtf(junk, null), null);
    assertEquals(BtfForm.INVALID, r.form());
    assertEquals(Verdict.INVALID, r.verdict());
    assertTrue(r.problems().get(0).startsWith(".BTF: truncated header"), r.problems().toString());
  }
}
