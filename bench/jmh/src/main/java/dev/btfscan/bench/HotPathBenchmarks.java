package dev.btfscan.bench;

import dev.btfscan.analysis.KernelBase;
import dev.btfscan.analysis.Kernels;
import dev.btfscan.analysis.ModuleAnalyzer;
import dev.btfscan.analysis.ModuleBtf;
import dev.btfscan.analysis.ModuleResult;
import dev.btfscan.analysis.Normalization;
import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.btf.BtfValidator;
import dev.btfscan.btf.ValidationResult;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.transforms.BtfFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tukaani.xz.XZInputStream;

/**
 * The hot code of a scan, warm: the vmlinux BTF parse+validate (once per worker and release), a
 * module's classify+validate (split, the common case) and classify+remap (standalone), the BTF
 * extraction from a real bzImage. Inputs: the committed fixtures ({@code -Dbtfscan.fixtures}) and a
 * real vmlinuz ({@code -Dbtfscan.vmlinuz}, extracted by bench/jmh.sh from the cached Debian package).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HotPathBenchmarks {
  byte[] vmlinuxBtf;
  byte[] splitModule;
  byte[] standaloneModule;
  byte[] vmlinuz;
  KernelBase base;
  Kernels kernels;

  @Setup(Level.Trial)
  public void load() throws Exception {
    Path fixtures = Path.of(System.getProperty("btfscan.fixtures", "fixtures/data"));
    try (InputStream in = new XZInputStream(Files.newInputStream(fixtures.resolve("kernels/6.1.0-53-cloud-amd64.btf.xz")))) {
      vmlinuxBtf = in.readAllBytes();
    }
    splitModule = Files.readAllBytes(fixtures.resolve("modules/6.1.0-53-cloud-amd64/af_key.ko"));
    standaloneModule = Files.readAllBytes(fixtures.resolve("trees/lib/modules/6.1.0-53-cloud-amd64/updates/btfscan_demo.ko"));
    String z = System.getProperty("btfscan.vmlinuz");
    vmlinuz = Files.readAllBytes(z != null ? Path.of(z) : fixtures.resolve("kernels/images/bzImage-lz4"));
    base = new KernelBase("6.1.0-53-cloud-amd64", "bench", BtfParser.parse(vmlinuxBtf));
    BaseIndex index = BaseIndex.of(base.btf());
    kernels = new Kernels() {
      @Override
      public KernelBase byRelease(String release) {
        return release.equals(base.release()) ? base : null;
      }

      @Override
      public BaseIndex index(KernelBase b) {
        return index;
      }
    };
    // fail early, not in a timed loop, if an input is not what the benchmark means it to be
    check(vmlinuxParseValidate().isValid(), "vmlinux BTF must validate");
    check(moduleSplitClassifyValidate().verdict().name().equals("OK"), "af_key.ko must be ok: " + moduleSplitClassifyValidate().verdict());
    check(moduleStandaloneClassifyRemap().verdict().name().equals("REMAPPED"), "btfscan_demo.ko must be remapped");
    check(bzImageExtractBtf().btf().length > 1000, "the image must carry BTF");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  /** The vmlinux of the 53 cloud kernel (4.1 MB, 95,057 types): parse and validate. */
  @Benchmark
  public ValidationResult vmlinuxParseValidate() throws Exception {
    Btf btf = BtfParser.parse(vmlinuxBtf);
    return BtfValidator.validate(btf);
  }

  /** Parse only: the figure to set against libbpf's btf__parse_raw (which does not validate). */
  @Benchmark
  public Btf vmlinuxParse() throws Exception {
    return BtfParser.parse(vmlinuxBtf);
  }

  /** af_key.ko: ELF read, split BTF classified, fingerprinted, validated against the base. */
  @Benchmark
  public ModuleResult moduleSplitClassifyValidate() throws Exception {
    ModuleImage image = ModuleImage.fromStored(splitModule);
    return new ModuleAnalyzer(List.of(), kernels, Normalization.DEDUP)
        .analyze(new ModuleBtf(image.btf().orElse(null), image.btfBase().orElse(null)), base);
  }

  /**
   * The same, compiled as a scan compiles it: C1 only ({@code -XX:TieredStopAtLevel=1}, which
   * run.sh sets because C2 costs a one-package scan more CPU than it saves). What every one of a
   * package's thousands of modules costs its judge thread.
   */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
  public ModuleResult moduleSplitClassifyValidateC1() throws Exception {
    return moduleSplitClassifyValidate();
  }

  /** btfscan_demo.ko: ELF read, standalone BTF classified and remapped into split form (dedup). */
  @Benchmark
  public ModuleResult moduleStandaloneClassifyRemap() throws Exception {
    ModuleImage image = ModuleImage.fromStored(standaloneModule);
    return new ModuleAnalyzer(List.of(), kernels, Normalization.DEDUP)
        .analyze(new ModuleBtf(image.btf().orElse(null), image.btfBase().orElse(null)), base);
  }

  /** The .BTF of the vmlinux inside a bzImage (real: LZ4 legacy frames, ~60 MB decompressed). */
  @Benchmark
  public BtfFiles.Found bzImageExtractBtf() throws Exception {
    return BtfFiles.load(vmlinuz);
  }
}
