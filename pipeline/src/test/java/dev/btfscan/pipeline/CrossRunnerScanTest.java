package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.analysis.Normalization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture scan on Apache Flink (embedded {@code [local]}) and Apache Spark ({@code local[2]})
 * writes the very bytes the DirectRunner writes, file by file. Each runner is on the test classpath
 * only under its Maven profile ({@code -Pflink}, {@code -Pspark}; their kryo versions clash on one
 * classpath), so each runs in its own Maven execution; a runner that is absent is skipped:
 *
 * <pre>
 * mvn -Pflink -pl pipeline -am test -Dtest=CrossRunnerScanTest -Dsurefire.failIfNoSpecifiedTests=false
 * mvn -Pspark -pl pipeline -am test -Dtest=CrossRunnerScanTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>The runners get their options the way the command line passes them (through
 * {@link ScanPipeline#options}), so whatever the wiring assumes about the DirectRunner shows here.
 */
class CrossRunnerScanTest {
  @TempDir static Path tmp;
  static Path direct;

  @BeforeAll
  static void scanOnTheDirectRunner() throws Exception {
    direct = tmp.resolve("direct");
    ScanFixtures.Result r = ScanFixtures.run(ScanFixtures.config(ScanFixtures.packages(), direct), 2);
    assertEquals(0, r.exitCode(), r.err());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "FlinkRunner --flinkMaster=[local] --parallelism=2",
      "SparkRunner --sparkMaster=local[2]"})
  void everyOutputFileIsByteIdenticalToTheDirectRunners(String runnerArgs) throws Exception {
    String[] words = runnerArgs.split(" ");
    String runnerClass = words[0].equals("FlinkRunner")
        ? "org.apache.beam.runners.flink.FlinkRunner" : "org.apache.beam.runners.spark.SparkRunner";
    Assumptions.assumeTrue(onClasspath(runnerClass), words[0] + " is not on the classpath (use -P"
        + (words[0].equals("FlinkRunner") ? "flink" : "spark") + ")");

    Path out = tmp.resolve(words[0]);
    List<String> beamArgs = new java.util.ArrayList<>(List.of(words));
    beamArgs.set(0, "--runner=" + words[0]);
    ScanConfig config = new ScanConfig(ScanFixtures.packages(), out.toString(), null, EnumSet.noneOf(FailOn.class),
        256L << 20, true, Normalization.DEDUP, true, beamArgs);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = ScanPipeline.run(config, ScanPipeline.options(config),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertEquals(0, code, stderr.toString(StandardCharsets.UTF_8));

    TreeSet<String> expected = files(direct);
    TreeSet<String> actual = files(out);
    assertEquals(expected, actual, "the same files under OUT");
    assertTrue(expected.size() > 10, "the fixture scan writes reports and blobs: " + expected);
    for (String f : expected) {
      assertArrayEquals(Files.readAllBytes(direct.resolve(f)), Files.readAllBytes(out.resolve(f)), f + " on " + words[0]);
    }
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, CrossRunnerScanTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static TreeSet<String> files(Path root) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
    }
    return out;
  }
}
