package dev.btfscan.pipeline;

import java.util.List;
import java.util.Set;

/**
 * One scan, as the command line asked for it.
 *
 * @param against a release among the inputs or a kernel file, or {@code null}
 * @param beamArgs options passed through to Beam's PipelineOptionsFactory (runner and its settings)
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
    List<String> beamArgs) {}
