package dev.btfscan.analysis;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Jazzer: hostile module BTF judged against a real vmlinux, the path a module takes once its
 * kernel is found: fingerprint, rebase of another scanned build's module (Debian 6.1.0-47 modules
 * onto -53), dedup or renumbering of standalone BTF, relocation of a distilled base. The analyzer
 * must give every input a verdict and never throw: its own invariants ("rebasing produced
 * unreadable BTF", ...) are findings too. A verdict with a normalized blob must have one.
 *
 * <p>The first byte says what the rest is: bit 0-1 0, a module's {@code .BTF} on its own; 1, a
 * {@code .BTF.base} beside the committed distilled module's {@code .BTF}; 2, a {@code .BTF}
 * beside that module's {@code .BTF.base}. Bit 4: renumber standalone BTF instead of deduplicating
 * it. Seeds ({@code fixtures/scripts/make-fuzz-seeds.sh}):
 * {@code src/test/resources/dev/btfscan/analysis/ModuleAnalyzerFuzzTestInputs/againstVmlinux/}.
 */
class ModuleAnalyzerFuzzTest {
  private static final KernelBase K53 = new KernelBase(RealBtf.R53, "fixtures:53", RealBtf.vmlinux(RealBtf.R53));
  private static final KernelBase K47 = new KernelBase(RealBtf.R47, "fixtures:47", RealBtf.vmlinux(RealBtf.R47));
  private static final List<KnownKernel> SCANNED = List.of(known(K53), known(K47));
  /** The bases' indexes, built once: a fuzz run judges millions of inputs. */
  private static final Map<KernelBase, BaseIndex> INDEXES = Map.of(
      K53, BaseIndex.of(K53.btf()), K47, BaseIndex.of(K47.btf()));
  private static final Kernels KERNELS = new Kernels() {
    @Override
    public KernelBase byRelease(String release) {
      return release.equals(K53.release()) ? K53 : release.equals(K47.release()) ? K47 : null;
    }

    @Override
    public BaseIndex index(KernelBase base) {
      return INDEXES.get(base);
    }
  };
  private static final byte[] DISTILLED_BTF = Fixtures.bytes("oot/btfscan_demo-distilled.btf");
  private static final byte[] DISTILLED_BASE = Fixtures.bytes("oot/btfscan_demo-distilled.base.btf");

  private static KnownKernel known(KernelBase k) {
    return new KnownKernel(k.release(), k.source(), k.types(), k.strings());
  }

  @FuzzTest(maxDuration = "20s")
  void againstVmlinux(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    ModuleBtf module = switch (data[0] & 3) {
      case 1 -> new ModuleBtf(DISTILLED_BTF.clone(), rest);
      case 2 -> new ModuleBtf(rest, DISTILLED_BASE.clone());
      default -> new ModuleBtf(rest, null);
    };
    Normalization normalization = (data[0] & 0x10) != 0 ? Normalization.RENUMBER : Normalization.DEDUP;
    ModuleResult r = new ModuleAnalyzer(SCANNED, KERNELS, normalization).analyze(module, K53);
    assertNotNull(r.verdict());
    boolean normalized = r.verdict() == Verdict.OK || r.verdict() == Verdict.REMAPPED || r.verdict() == Verdict.RELOCATED;
    assertTrue(normalized == (r.blob() != null), () -> r.verdict() + " with blob " + (r.blob() != null));
  }
}
