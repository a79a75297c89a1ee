package dev.btfscan.pipeline;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Scans of the committed fixture packages, run the way the command line runs them. */
final class ScanFixtures {
  private ScanFixtures() {}

  /** Every fixture package (rpm of each payload compressor, debs, tarballs, Arch package). */
  static List<String> packages() throws IOException {
    List<String> out = new ArrayList<>();
    for (String dir : List.of("packages/rpm", "packages/deb", "packages/tar")) {
      try (Stream<Path> s = Files.list(Fixtures.path(dir))) {
        s.sorted().forEach(p -> out.add(p.toString()));
      }
    }
    out.add(Fixtures.path("packages/btfscan-fixture-modules-6.1.0.53-1-x86_64.pkg.tar.zst").toString());
    return out;
  }

  static ScanConfig config(List<String> inputs, Path out, String against, Set<FailOn> failOn) {
    return new ScanConfig(inputs, out.toString(), against, failOn, 256L << 20, true, Normalization.DEDUP, true, List.of());
  }

  static ScanConfig config(List<String> inputs, Path out) {
    return config(inputs, out, null, EnumSet.noneOf(FailOn.class));
  }

  /** DirectRunner with its immutability and encodability checks on, as tests should run it. */
  static PipelineOptions testOptions(int parallelism) {
    DirectOptions o = PipelineOptionsFactory.create().as(DirectOptions.class);
    o.setEnforceImmutability(true);
    o.setEnforceEncodability(true);
    o.setTargetParallelism(parallelism);
    o.setBlockOnRun(true);
    return o;
  }

  /** Runs a scan; returns the exit code and what it printed. */
  static Result run(ScanConfig config, int parallelism) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ScanPipeline.run(config, testOptions(parallelism),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  record Result(int exitCode, String out, String err) {}

  /** Runs a scan as the command line does (DirectRunner checks off): for whole real packages. */
  static Result runFast(ScanConfig config) throws IOException {
    return runFast(config, true);
  }

  /** {@link #runFast(ScanConfig)}, with or without judging modules in the package reader. */
  static Result runFast(ScanConfig config, boolean judgeInReader) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ScanPipeline.run(config, ScanPipeline.options(config),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        judgeInReader);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static List<String> lines(Path out, String file) throws IOException {
    return Files.readAllLines(out.resolve(file), StandardCharsets.UTF_8);
  }

  /** A committed .xz fixture, decompressed. */
  static byte[] unxz(String fixture) throws IOException {
    try (org.tukaani.xz.XZInputStream in = new org.tukaani.xz.XZInputStream(Files.newInputStream(Fixtures.path(fixture)))) {
      return in.readAllBytes();
    }
  }
}
