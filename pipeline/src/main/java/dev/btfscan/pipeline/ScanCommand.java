package dev.btfscan.pipeline;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code btf-scan scan}: the main job. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Scan kernel packages: find every module and kernel image, match each module with the "
          + "vmlinux of its release, classify and validate its BTF, normalize it into split form, "
          + "and write the reports.",
      "",
      "Options not listed here go to Apache Beam: --runner=FlinkRunner --flinkMaster=[local], "
          + "--runner=SparkRunner --sparkMaster=local[2] (jars built with the flink/spark Maven "
          + "profiles), --targetParallelism=N for the DirectRunner."
    },
    sortOptions = false)
final class ScanCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "INPUT",
      description = "Package files (.rpm, .deb, .tar[.gz|.xz|.zst|.bz2], .pkg.tar.zst), directories "
          + "(scanned for packages, or taken as an unpacked tree such as /lib/modules/<release>), "
          + "globs; any Beam filesystem path.")
  List<String> inputs = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "Output directory; replaced atomically when the run completes.")
  String output;

  @Option(names = "--against", paramLabel = "RELEASE|FILE",
      description = "Check every module against this vmlinux instead of its own release's: a release "
          + "among the inputs, or a kernel image / vmlinux ELF / raw BTF file.")
  String against;

  @Option(names = "--fail-on", split = ",", paramLabel = "VERDICT",
      description = "Exit with status 3 after writing all outputs when any module has one of these "
          + "verdicts: mismatch, invalid, no-btf (comma-separated or repeated).",
      converter = FailOnConverter.class)
  List<FailOn> failOn = new ArrayList<>();

  @Option(names = "--baseline", paramLabel = "OLD_OUT",
      description = "Compare with an earlier scan's output directory: per module (by package and path, "
          + "else by module name and release when packages were renamed) new, gone, verdict changed "
          + "or same; written to baseline.jsonl and to report.md and report.html.")
  String baseline;

  @Option(names = "--max-entry-bytes", paramLabel = "BYTES", defaultValue = "268435456",
      description = "Largest module or kernel image entry read into memory (default: ${DEFAULT-VALUE}); "
          + "larger entries are reported, not read.")
  long maxEntryBytes;

  @Option(names = "--max-decompressed-bytes", paramLabel = "BYTES", defaultValue = "134217728",
      description = "Largest size a compressed module or kernel image may decompress to (default: "
          + "${DEFAULT-VALUE}, 128 MiB); beyond it, its row reports a decompression bomb. Each is held "
          + "whole in memory while it is read.")
  long maxDecompressedBytes;

  @Option(names = "--normalize", paramLabel = "MODE", defaultValue = "dedup",
      description = "How standalone BTF becomes split BTF on its base: dedup (types the base has become "
          + "references to it; default) or renumber (every type kept, ids and strings shifted).")
  String normalize;

  @Option(names = "--rebase", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Rebase split modules of another scanned build onto the kernel they are checked "
          + "against when every type they reference is unchanged there (verdict relocated); "
          + "--no-rebase reports them as mismatch. Default: ${DEFAULT-VALUE}.")
  boolean rebase;

  @Option(names = "--quiet", description = "No progress line on stderr.")
  boolean quiet;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    // Overlaps pipeline construction; pays off where this JVM reads packages too (DirectRunner).
    dev.btfscan.io.compress.Decompressors.discoverNativeXzInBackground();
    if (!dev.btfscan.io.util.FileNames.utf8()) {
      // Said once here; each file it hits still gets its row with the reason (FileNames).
      System.err.println("btf-scan: warning: file names are decoded as " + dev.btfscan.io.util.FileNames.encoding()
          + " (the locale's charset): files with non-ASCII names cannot be opened and are reported as such; "
          + "run under a UTF-8 locale (LC_ALL=C.UTF-8), as run.sh does");
    }
    Set<FailOn> gates = failOn.isEmpty() ? EnumSet.noneOf(FailOn.class) : EnumSet.copyOf(failOn);
    ScanConfig config = new ScanConfig(inputs, output, against, gates, maxEntryBytes, quiet,
        dev.btfscan.analysis.Normalization.parse(normalize), rebase, beamArgs, baseline,
        new dev.btfscan.io.compress.DecompressionCaps(maxDecompressedBytes));
    return ScanPipeline.run(config);
  }

  static final class FailOnConverter implements picocli.CommandLine.ITypeConverter<FailOn> {
    @Override
    public FailOn convert(String value) {
      return FailOn.parse(value);
    }
  }
}
