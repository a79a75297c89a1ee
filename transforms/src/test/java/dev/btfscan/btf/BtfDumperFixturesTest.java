package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dump of real Debian module BTF equals what bpftool 7.1 printed for it
 * ({@code *.ko.bpftool.txt}, committed by the fixtures scripts).
 */
class BtfDumperFixturesTest {
  @TempDir Path tmp;

  static Stream<String> modules53() {
    return BtfTestData.modules(BtfTestData.RELEASE_53).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules53")
  void moduleSplitOnItsVmlinuxDumpsAsBpftoolPrintedIt(String module) throws Exception {
    Btf base = BtfTestData.vmlinux(BtfTestData.RELEASE_53);
    Btf btf = BtfParser.parse(BtfTestData.btfSection(module), base);
    assertEquals(BtfTestData.text(module + ".bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void olderReleaseModuleDumpsAsBpftoolPrintedItOnItsOwnVmlinux() throws Exception {
    String module = "modules/" + BtfTestData.RELEASE_47 + "/af_key.ko";
    Btf btf = BtfParser.parse(BtfTestData.btfSection(module), BtfTestData.vmlinux(BtfTestData.RELEASE_47));
    assertEquals(BtfTestData.text(module + ".bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void moduleOnTheWrongVmlinuxDumpsTheSameGarbageBpftoolPrints() throws Exception {
    String module = "modules/" + BtfTestData.RELEASE_47 + "/af_key.ko";
    Btf btf = BtfParser.parse(BtfTestData.btfSection(module), BtfTestData.vmlinux(BtfTestData.RELEASE_53));
    assertEquals(BtfTestData.text(module + ".bpftool-wrong-base-53.txt"), BtfDumper.dump(btf));
  }

  @Test
  void wholeVmlinuxDumpsAsLiveBpftoolPrintsIt() throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    byte[] vmlinux = BtfTestData.vmlinuxBytes(BtfTestData.RELEASE_53);
    String expected = Bpftool.dump(tmp, vmlinux, null);
    String actual = BtfDumper.dump(BtfParser.parse(vmlinux));
    assertEquals(expected.length(), actual.length(), "dump length");
    assertEquals(expected, actual);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules53")
  void moduleDumpsAsLiveBpftoolPrintsIt(String module) throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    byte[] vmlinux = BtfTestData.vmlinuxBytes(BtfTestData.RELEASE_53);
    byte[] section = BtfTestData.btfSection(module);
    Btf btf = BtfParser.parse(section, BtfParser.parse(vmlinux));
    assertEquals(Bpftool.dump(tmp, section, vmlinux), BtfDumper.dump(btf));
  }
}
