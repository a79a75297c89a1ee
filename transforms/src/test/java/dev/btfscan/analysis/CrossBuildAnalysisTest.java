package dev.btfscan.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.testing.RealBtf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A real Debian 6.1.0-47 module checked against the 6.1.0-53 kernel (the nightly-job question). */
class CrossBuildAnalysisTest {
  static final KernelBase K53 = new KernelBase(RealBtf.R53, "fixtures:53", RealBtf.vmlinux(RealBtf.R53));
  static final KernelBase K47 = new KernelBase(RealBtf.R47, "fixtures:47", RealBtf.vmlinux(RealBtf.R47));

  static KnownKernel known(KernelBase k) {
    return new KnownKernel(k.release(), k.source(), k.types(), k.strings());
  }

  static Kernels kernels(KernelBase... ks) {
    return new Kernels() {
      @Override
      public KernelBase byRelease(String release) {
        for (KernelBase k : ks) {
          if (k.release().equals(release)) {
            return k;
          }
        }
        return null;
      }

      @Override
      public BaseIndex index(KernelBase base) {
        return BaseIndex.of(base.btf());
      }
    };
  }

  @Test
  void moduleOfAnotherScannedBuildWhoseTypesOnlyMovedIsRelocatedOntoTheTarget() throws Exception {
    ModuleAnalyzer analyzer = new ModuleAnalyzer(List.of(known(K53), known(K47)), kernels(K53, K47));
    byte[] btf = RealBtf.moduleBtf("modules/" + RealBtf.R47 + "/af_key.ko");
    ModuleResult r = analyzer.analyze(new ModuleBtf(btf, null), K53);
    assertEquals(Verdict.RELOCATED, r.verdict(), r.problems().toString());
    assertEquals(RealBtf.R47, r.builtAgainst().release());
    assertEquals(1689866, r.builtAgainst().strings(), "Debian 6.1.0-47's vmlinux string length");
    assertNotNull(r.explanation());
    Btf original = BtfParser.parse(btf, K47.btf());
    Btf relocated = BtfParser.parse(r.blob(), K53.btf());
    for (int i = 0; i < original.typeCount(); i++) {
      assertEquals(original.name(original.startId() + i), relocated.name(relocated.startId() + i));
    }
  }

  @Test
  void withoutItsOwnVmlinuxAForeignModuleIsMismatchWithTheBuiltAgainstFigures() throws Exception {
    ModuleAnalyzer analyzer = new ModuleAnalyzer(List.of(known(K53)), kernels(K53));
    byte[] btf = RealBtf.moduleBtf("modules/" + RealBtf.R47 + "/af_key.ko");
    ModuleResult r = analyzer.analyze(new ModuleBtf(btf, null), K53);
    assertEquals(Verdict.MISMATCH, r.verdict());
    assertEquals(1689866, r.builtAgainst().strings());
    assertEquals(null, r.builtAgainst().release());
    assertTrue(r.problems().get(0).startsWith("built against a base with 1689866 string bytes (no scanned kernel matches)"),
        r.problems().toString());
  }

  @Test
  void everyCommitted53ModuleIsOkOnItsOwnVmlinux() throws Exception {
    ModuleAnalyzer analyzer = new ModuleAnalyzer(List.of(known(K53), known(K47)), kernels(K53, K47));
    for (String m : List.of("af_key", "async_xor", "blake2b_generic", "dm-zero", "ip_vs_rr", "nf_dup_netdev", "zsmalloc")) {
      ModuleResult r = analyzer.analyze(new ModuleBtf(RealBtf.moduleBtf("modules/" + RealBtf.R53 + "/" + m + ".ko"), null), K53);
      assertEquals(Verdict.OK, r.verdict(), m + ": " + r.problems());
      assertEquals(RealBtf.R53, r.builtAgainst().release(), m);
      assertEquals(1691411, r.builtAgainst().strings(), m);
    }
  }
}
