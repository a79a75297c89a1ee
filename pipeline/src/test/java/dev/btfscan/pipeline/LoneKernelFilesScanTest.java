package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel engineer points the scan at the files themselves: a module they built and the
 * vmlinux BTF it is meant for, no package around either. Each is a package of one file, and the
 * module is judged on that vmlinux, its release taken from its vermagic.
 */
class LoneKernelFilesScanTest {
  @TempDir Path tmp;

  @Test
  void aModuleAndAVmlinuxNamedOnTheirOwnAreJudgedTogether() throws Exception {
    String module = Fixtures.path("modules/6.1.0-53-cloud-amd64/af_key.ko.xz").toString();
    String vmlinux = Fixtures.path("kernels/6.1.0-53-cloud-amd64.btf.xz").toString();
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(module, vmlinux), out));

    Map<String, String> formats = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.PACKAGES)) {
      JsonNode p = Json.parse(line);
      formats.put(p.path("package").asText(), p.path("format").asText() + " " + p.path("problems"));
    }
    assertEquals(Map.of("af_key.ko.xz", "file []", "6.1.0-53-cloud-amd64.btf.xz", "file []"), formats);

    List<String> rows = ScanFixtures.lines(out, ScanPipeline.MODULES);
    assertEquals(1, rows.size(), rows.toString());
    JsonNode row = Json.parse(rows.get(0));
    assertEquals("af_key.ko.xz", row.path("path").asText());
    assertEquals("6.1.0-53-cloud-amd64", row.path("release").asText());
    assertEquals("ok", row.path("verdict").asText(), row.toString());
    assertEquals("6.1.0-53-cloud-amd64", row.path("base").path("release").asText());
  }

  /**
   * The running kernel's BTF, named on its own or as its sysfs directory, is of the release
   * uname -r names, so the modules installed for that release are judged on it with no --against.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/sys/kernel/btf/vmlinux", "/sys/kernel/btf/"})
  void theRunningKernelsBtfIsOfItsRelease(String input) throws Exception {
    java.nio.file.Path sysfs = java.nio.file.Path.of("/sys/kernel/btf/vmlinux");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(sysfs), "no BTF in this kernel's sysfs");
    String uname = new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes()).trim();
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(input), out));

    JsonNode kernel = Json.parse(ScanFixtures.lines(out, ScanPipeline.KERNELS).get(0));
    assertEquals(uname, kernel.path("release").asText(), kernel.toString());
    assertEquals("[]", kernel.path("problems").toString());
  }
}
