package dev.btfscan.pipeline;

import dev.btfscan.io.compress.DecompressionCaps;
import java.util.List;
import java.util.Set;

/**
 * One scan, as the command line asked for it.
 *
 * @param against a release among the inputs or a kernel file, or {@code null}
 * @param beamArgs options passed through to Beam's PipelineOptionsFactory (runner and its settings)
 * @param baseline an earlier scan's OUT to compare with, or {@code null}
 * @param caps how far a compressed module or kernel image may decompress
 */
public record ScanConfig(
    List<String> inputs,
    String output,
    String against,
    Set<FailOn> failOn,
    long maxEntryBytes,
    boolean quiet,
    dev.btfscan.analysis.Normalization normalization,
    boolean rebase,
    List<String> beamArgs,
    String baseline,
    DecompressionCaps caps) {

  /** A scan with the default caps. */
  public ScanConfig(List<String> inputs, String output, String against, Set<FailOn> failOn, long maxEntryBytes,
      boolean quiet, dev.btfscan.analysis.Normalization normalization, boolean rebase, List<String> beamArgs,
      String baseline) {
    this(inputs, output, against, failOn, maxEntryBytes, quiet, normalization, rebase, beamArgs, baseline,
        DecompressionCaps.DEFAULT);
  }

  /** A scan compared with no earlier one, with the default caps. */
  public ScanConfig(List<String> inputs, String output, String against, Set<FailOn> failOn, long maxEntryBytes,
      boolean quiet, dev.btfscan.analysis.Normalization normalization, boolean rebase, List<String> beamArgs) {
    this(inputs, output, against, failOn, maxEntryBytes, quiet, normalization, rebase, beamArgs, null);
  }
}
