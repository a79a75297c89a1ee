package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/** {@code btf-scan distill}: the files it writes for split, raw and already distilled modules. */
class DistillCommandTest {
  @TempDir static Path tmp;
  static Path vmlinux53;

  @BeforeAll
  static void vmlinux() throws Exception {
    vmlinux53 = tmp.resolve("53.btf");
    try (InputStream in = new XZInputStream(new ByteArrayInputStream(Fixtures.bytes("kernels/6.1.0-53-cloud-amd64.btf.xz")))) {
      Files.write(vmlinux53, in.readAllBytes());
    }
  }

  static int run(String... args) {
    return Main.commandLine().execute(args);
  }

  @Test
  void theSplitFixtureModuleGetsTheDistilledBasePaholeWrote() throws Exception {
    Path out = tmp.resolve("split");
    assertEquals(0, run("distill", Fixtures.path("oot/btfscan_demo-split.ko").toString(), "--base", vmlinux53.toString(), "--output", out.toString()));
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-distilled.base.btf"), Files.readAllBytes(out.resolve("btfscan_demo-split.btf.base")));
  }

  @Test
  void rawSplitBtfIsAcceptedToo() throws Exception {
    Path out = tmp.resolve("raw");
    assertEquals(0, run("distill", Fixtures.path("oot/btfscan_demo-split.btf").toString(), "-B", vmlinux53.toString(), "-o", out.toString()));
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-distilled.base.btf"), Files.readAllBytes(out.resolve("btfscan_demo-split.btf.base")));
  }

  /** Relocated onto 53 and distilled again: pahole's own two sections, byte for byte. */
  @Test
  void anAlreadyDistilledModuleIsRelocatedAndDistilledAgain() throws Exception {
    Path out = tmp.resolve("again");
    assertEquals(0, run("distill", Fixtures.path("oot/btfscan_demo-distilled.ko").toString(), "-B", vmlinux53.toString(), "-o", out.toString()));
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-distilled.base.btf"), Files.readAllBytes(out.resolve("btfscan_demo-distilled.btf.base")));
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-distilled.btf"), Files.readAllBytes(out.resolve("btfscan_demo-distilled.btf")));
  }

  @Test
  void aModuleBuiltForAnotherKernelIsRefused() throws Exception {
    Path out = tmp.resolve("wrong");
    assertEquals(2, run("distill", Fixtures.path("oot/btfscan_demo-split47.ko").toString(), "-B", vmlinux53.toString(), "-o", out.toString()));
  }
}
