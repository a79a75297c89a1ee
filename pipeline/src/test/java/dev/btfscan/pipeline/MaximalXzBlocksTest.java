package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages whose xz blocks are as large as the parallel decoder takes (63 MiB of each size, random
 * bytes) fit the heap run.sh gives, read two at once on 4 cores: the decoder's look-ahead is bounded
 * in bytes, not only in blocks. Before that bound this scan ended in OutOfMemoryError (exit 2).
 * A JVM of its own, as run.sh starts it for 4 cores; 441 MiB of random bytes compressed by xz, so
 * it runs with the integration suite.
 */
@Tag("integration")
class MaximalXzBlocksTest {
  private static final int CORES = 4;
  private static final int HEAP_MB = 200 + 220 * CORES; // run.sh's heap for 4 cores

  @TempDir Path tmp;

  @Test
  void twoPackagesOfMaximalXzBlocksReadAtOnceOnFourCoresFitTheHeap() throws Exception {
    assumeTrue(runs("xz", "--version") && runs("tar", "--version"), "needs xz and tar");
    Path dir = Files.createDirectories(tmp.resolve("content"));
    Random random = new Random(63);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(dir.resolve("noise.bin"))) {
      for (int i = 0; i < 7 * 63; i++) { // seven whole blocks: all of them fit what 4 threads may queue
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    Path first = tmp.resolve("maximal-blocks.tar.xz");
    int rc = new ProcessBuilder("sh", "-c", "tar -cf - -C \"$1\" . | xz -0 -T2 --block-size=63MiB -c > \"$2\"",
        "sh", dir.toString(), first.toString()).inheritIO().start().waitFor();
    assertEquals(0, rc, "tar | xz");
    Files.delete(dir.resolve("noise.bin"));
    Path second = tmp.resolve("maximal-blocks-again.tar.xz");
    Files.createLink(second, first);

    Path out = tmp.resolve("out");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=" + CORES, "-Xmx" + HEAP_MB + "m", "-XX:TieredStopAtLevel=1",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "scan", "--quiet", "--output", out.toString(), first.toString(), second.toString()));
    Process scan = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("scan.log").toFile()).start();
    boolean finished = scan.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      scan.destroyForcibly();
    }
    assertTrue(finished, "scan did not finish in 10 minutes");
    String log = Files.readString(tmp.resolve("scan.log"), StandardCharsets.UTF_8);
    assertEquals(0, scan.exitValue(), log);
    List<JsonNode> packages = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(ScanPipeline.PACKAGES), StandardCharsets.UTF_8)) {
      packages.add(Json.parse(line));
    }
    assertEquals(2, packages.size(), packages.toString());
    for (JsonNode p : packages) {
      assertEquals(0, p.get("problems").size(), p.toString());
      assertEquals(2, p.get("entries").asInt(), p.toString()); // "./" and noise.bin, read to the end
    }
  }

  private static boolean runs(String... command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
