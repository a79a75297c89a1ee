package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package whose vmlinuz is damaged leaves its modules without a vmlinux. Their rows must not
 * claim there was none among the inputs: they name the image that was there and why it gave no
 * BTF, as its {@code kernels.jsonl} row does.
 */
class BrokenVmlinuxScanTest {
  private static final String RELEASE = "6.1.0-53-cloud-amd64";

  @TempDir Path tmp;

  @Test
  void aModuleWhoseReleasesImageGaveNoBtfNamesThatImageAndWhy() throws Exception {
    Path root = tmp.resolve("root");
    Path kernel = Files.createDirectories(root.resolve("lib/modules/" + RELEASE + "/kernel"));
    Files.copy(Fixtures.path("modules/" + RELEASE + "/af_key.ko"), kernel.resolve("af_key.ko"));
    byte[] image = Fixtures.bytes("kernels/images/bzImage-gzip");
    Files.createDirectories(root.resolve("boot"));
    Files.write(root.resolve("boot/vmlinuz-" + RELEASE), Arrays.copyOf(image, image.length / 2)); // payload cut
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(root.toString()), out));

    JsonNode kernelRow = Json.parse(ScanFixtures.lines(out, ScanPipeline.KERNELS).get(0));
    String why = kernelRow.path("problems").path(0).asText();
    assertTrue(why.startsWith("no BTF found"), kernelRow.toString());
    List<String> rows = ScanFixtures.lines(out, ScanPipeline.MODULES);
    assertEquals(1, rows.size());
    JsonNode module = Json.parse(rows.get(0));
    assertEquals("no-vmlinux", module.path("verdict").asText());
    assertEquals("the kernel image of this release gave no vmlinux BTF: boot/vmlinuz-" + RELEASE + " in root: " + why,
        module.path("problems").path(0).asText(), module.toString());
  }
}
