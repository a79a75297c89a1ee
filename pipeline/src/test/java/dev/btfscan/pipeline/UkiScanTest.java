package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel shipped only as a Unified Kernel Image (Fedora's kernel-uki-virt installs
 * {@code lib/modules/<release>/vmlinuz-virt.efi}) is the vmlinux its release's modules are judged
 * on. The UKI is the fixture's real systemd-stub with the 53 cloud kernel's BTF put in as
 * {@code .linux} by objcopy.
 */
class UkiScanTest {
  private static final String RELEASE = "6.1.0-53-cloud-amd64";

  @TempDir Path tmp;

  @Test
  void modulesAreJudgedOnTheKernelInTheUki() throws Exception {
    Path modules = Files.createDirectories(tmp.resolve("root/lib/modules/" + RELEASE));
    Path btf = Files.write(tmp.resolve("vmlinux.btf"), ScanFixtures.unxz("kernels/" + RELEASE + ".btf.xz"));
    Path uname = Files.writeString(tmp.resolve("uname"), RELEASE);
    run("objcopy", "--remove-section", ".linux", "--remove-section", ".uname",
        "--add-section", ".uname=" + uname, "--change-section-vma", ".uname=0x40000",
        "--add-section", ".linux=" + btf, "--change-section-vma", ".linux=0x2000000",
        Fixtures.path("kernels/uki/uki-bzImage-zstd.efi").toString(), modules.resolve("vmlinuz-virt.efi").toString());
    Path key = Files.createDirectories(modules.resolve("kernel/net/key"));
    Files.copy(Fixtures.path("modules/" + RELEASE + "/af_key.ko"), key.resolve("af_key.ko"));
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(tmp.resolve("root").toString()), out));

    List<String> kernels = ScanFixtures.lines(out, ScanPipeline.KERNELS);
    assertEquals(1, kernels.size(), kernels.toString());
    JsonNode k = Json.parse(kernels.get(0));
    assertEquals("uki+raw", k.path("format").asText(), kernels.get(0));
    assertEquals(RELEASE, k.path("release").asText());
    assertEquals(0, k.path("problems").size(), kernels.get(0));
    List<String> rows = ScanFixtures.lines(out, ScanPipeline.MODULES);
    assertEquals(1, rows.size(), rows.toString());
    JsonNode m = Json.parse(rows.get(0));
    assertEquals("ok", m.path("verdict").asText(), rows.get(0));
    assertEquals("root:lib/modules/" + RELEASE + "/vmlinuz-virt.efi", m.path("base").path("source").asText(), rows.get(0));
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + output);
  }
}
