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
 * Packages as large as the scan's own limits allow fit the heap run.sh gives: each scan runs in a
 * JVM of its own, as run.sh starts it for the cores it names, on hundreds of MB of random bytes
 * made here, so it runs with the integration suite. Before each bound, each ended in
 * OutOfMemoryError (exit 2).
 */
@Tag("integration")
class HeapBoundsTest {
  @TempDir Path tmp;

  /**
   * xz blocks as large as the parallel decoder takes (63 MiB of each size): its look-ahead is
   * bounded in bytes, not only in blocks.
   */
  @Test
  void twoPackagesOfMaximalXzBlocksReadAtOnceOnFourCoresFitTheHeap() throws Exception {
    assumeTrue(runs("xz", "--version") && runs("tar", "--version"), "needs xz and tar");
    Path dir = Files.createDirectories(tmp.resolve("content"));
    randomFile(dir.resolve("noise.bin"), 7 * 63, 63); // seven whole blocks: all of them fit what 4 threads may queue
    Path first = tmp.resolve("maximal-blocks.tar.xz");
    pack("tar -cf - -C \"$1\" . | xz -0 -T2 --block-size=63MiB -c > \"$2\"", dir, first);
    Files.delete(dir.resolve("noise.bin"));
    Path second = tmp.resolve("maximal-blocks-again.tar.xz");
    Files.createLink(second, first);

    List<JsonNode> packages = scan(4, first, second);
    assertEquals(2, packages.size(), packages.toString());
    for (JsonNode p : packages) {
      assertEquals(0, p.get("problems").size(), p.toString());
      assertEquals(2, p.get("entries").asInt(), p.toString()); // "./" and noise.bin, read to the end
    }
  }

  /**
   * Four tarballs of one 250 MB module each (random bytes: no ELF, and no bomb), on 2 cores: the
   * readers and the module analysis hold whole modules within a budget of the heap
   * ({@code EntryBytes}), and a reader holds an entry once, not twice.
   */
  @Test
  void fourPackagesOfOneModuleNearTheEntryCapFitTheHeapOfTwoCores() throws Exception {
    assumeTrue(runs("gzip", "--version") && runs("tar", "--version"), "needs gzip and tar");
    Path dir = Files.createDirectories(tmp.resolve("module"));
    randomFile(dir.resolve("big.ko"), 250, 250);
    Path first = tmp.resolve("big-module-1.tar.gz");
    pack("tar -cf - -C \"$1\" . | gzip -1 > \"$2\"", dir, first);
    Files.delete(dir.resolve("big.ko"));
    Path[] inputs = fourCopies(first, "big-module-", ".tar.gz");
    List<JsonNode> packages = scan(2, inputs);
    assertEquals(4, packages.size(), packages.toString());
    assertEveryModuleInvalid(4, "not an ELF");
  }

  /**
   * Four tarballs of one 250 MB kernel image each (random bytes: no kernel found), on 2 cores: an
   * image that large is not kept by the image cache past its extraction.
   */
  @Test
  void fourPackagesOfOneKernelImageNearTheEntryCapFitTheHeapOfTwoCores() throws Exception {
    assumeTrue(runs("gzip", "--version") && runs("tar", "--version"), "needs gzip and tar");
    Path dir = Files.createDirectories(tmp.resolve("image").resolve("boot"));
    randomFile(dir.resolve("vmlinuz-6.1.0-99-amd64"), 250, 251);
    Path first = tmp.resolve("big-image-1.tar.gz");
    pack("tar -cf - -C \"$1\" boot | gzip -1 > \"$2\"", dir.getParent(), first);
    Files.delete(dir.resolve("vmlinuz-6.1.0-99-amd64"));
    Path[] inputs = fourCopies(first, "big-image-", ".tar.gz");
    assertEquals(4, scan(2, inputs).size());
    List<String> kernels = Files.readAllLines(tmp.resolve("out").resolve(ScanPipeline.KERNELS), StandardCharsets.UTF_8);
    assertEquals(4, kernels.size(), kernels.toString());
    for (String line : kernels) {
      assertTrue(Json.parse(line).get("problems").toString().contains("no BTF found"), line);
    }
  }

  /**
   * Four tarballs of four {@code .ko.gz} each that decompress to just under the 128 MiB module cap
   * (2 MB each, ratio about 70, under the ratio limit), on 2 cores: the judges count what they
   * decompress ({@code DecodedBytes}), into one array of the size gzip's trailer declares.
   */
  @Test
  void fourPackagesOfModulesThatDecompressNearTheModuleCapFitTheHeapOfTwoCores() throws Exception {
    assumeTrue(runs("gzip", "--version") && runs("tar", "--version"), "needs gzip and tar");
    Path dir = Files.createDirectories(tmp.resolve("expanding"));
    Path plain = tmp.resolve("expanding.ko");
    sparseRandomFile(plain, 127, 127);
    pack("gzip -1 -c \"$1\" > \"$2\"", plain, dir.resolve("expanding-1.ko.gz"));
    Files.delete(plain);
    for (int i = 2; i <= 4; i++) {
      Files.copy(dir.resolve("expanding-1.ko.gz"), dir.resolve("expanding-" + i + ".ko.gz"));
    }
    Path first = tmp.resolve("expanding-modules-1.tar");
    pack("tar -cf \"$2\" -C \"$1\" .", dir, first);
    Path[] inputs = fourCopies(first, "expanding-modules-", ".tar");

    assertEquals(4, scan(2, inputs).size());
    assertEveryModuleInvalid(16, "not an ELF"); // decompressed whole, then judged
  }

  /** {@code first} and three hard links to it, named {@code prefix + i + suffix}: four packages to read at once. */
  private Path[] fourCopies(Path first, String prefix, String suffix) throws IOException {
    Path[] copies = {first, null, null, null};
    for (int i = 2; i <= 4; i++) {
      copies[i - 1] = Files.createLink(tmp.resolve(prefix + i + suffix), first);
    }
    return copies;
  }

  /** The last scan's {@code modules.jsonl} has {@code count} rows, each invalid for {@code problem}. */
  private void assertEveryModuleInvalid(int count, String problem) throws IOException {
    List<String> modules = Files.readAllLines(tmp.resolve("out").resolve(ScanPipeline.MODULES), StandardCharsets.UTF_8);
    assertEquals(count, modules.size(), modules.toString());
    for (String line : modules) {
      JsonNode row = Json.parse(line);
      assertEquals("invalid", row.get("verdict").asText(), line);
      assertTrue(row.get("problems").toString().contains(problem), line);
    }
  }

  /** The package rows of a scan of {@code inputs} by a JVM with {@code cores} and run.sh's heap for them. */
  private List<JsonNode> scan(int cores, Path... inputs) throws Exception {
    Path out = tmp.resolve("out");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=" + cores, "-Xmx" + (200 + 220 * cores) + "m", "-XX:TieredStopAtLevel=1",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "scan", "--quiet", "--output", out.toString()));
    for (Path input : inputs) {
      command.add(input.toString());
    }
    Path log = tmp.resolve("scan.log");
    Process scan = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = scan.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      scan.destroyForcibly();
    }
    assertTrue(finished, "scan did not finish in 10 minutes");
    assertEquals(0, scan.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    List<JsonNode> packages = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(ScanPipeline.PACKAGES), StandardCharsets.UTF_8)) {
      packages.add(Json.parse(line));
    }
    return packages;
  }

  /** {@code mib} MiB of random bytes (seeded) in {@code file}: nothing a compressor can shrink. */
  private static void randomFile(Path file, int mib, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
  }

  /** {@code mib} MiB in which each 4 KiB page starts with 48 random bytes (seeded) and is zero after them. */
  private static void sparseRandomFile(Path file, int mib, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] chunk = new byte[1 << 20];
    byte[] noise = new byte[48];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        for (int page = 0; page < chunk.length; page += 4096) {
          random.nextBytes(noise);
          System.arraycopy(noise, 0, chunk, page, noise.length);
        }
        out.write(chunk);
      }
    }
  }

  /** Runs the shell {@code pipeline} with $1 what to pack and $2 the file to write. */
  private static void pack(String pipeline, Path dir, Path pkg) throws Exception {
    int rc = new ProcessBuilder("sh", "-c", pipeline, "sh", dir.toString(), pkg.toString()).inheritIO().start().waitFor();
    assertEquals(0, rc, pipeline);
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
