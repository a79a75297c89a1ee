package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dump of real BTF equals what bpftool 7.1 printed for it (the {@code *.bpftool.txt} files the
 * fixtures scripts commit): Debian modules split on their vmlinux, an out-of-tree module with
 * standalone and split BTF, pahole output for little- and big-endian objects.
 */
class BtfDumperFixturesTest {
  @TempDir Path tmp;

  static Stream<String> modules53() {
    return RealBtf.modules(RealBtf.R53).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules53")
  void moduleSplitOnItsVmlinuxDumpsAsBpftoolPrintedIt(String module) throws Exception {
    Btf base = RealBtf.vmlinux(RealBtf.R53);
    Btf btf = BtfParser.parse(RealBtf.moduleBtf(module), base);
    assertEquals(RealBtf.fixtureText(module + ".bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void olderReleaseModuleDumpsAsBpftoolPrintedItOnItsOwnVmlinux() throws Exception {
    String module = "modules/" + RealBtf.R47 + "/af_key.ko";
    Btf btf = BtfParser.parse(RealBtf.moduleBtf(module), RealBtf.vmlinux(RealBtf.R47));
    assertEquals(RealBtf.fixtureText(module + ".bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void moduleOnTheWrongVmlinuxDumpsTheSameGarbageBpftoolPrints() throws Exception {
    String module = "modules/" + RealBtf.R47 + "/af_key.ko";
    Btf btf = BtfParser.parse(RealBtf.moduleBtf(module), RealBtf.vmlinux(RealBtf.R53));
    assertEquals(RealBtf.fixtureText(module + ".bpftool-wrong-base-53.txt"), BtfDumper.dump(btf));
  }

  @Test
  void standaloneOutOfTreeModuleDumpsAsBpftoolPrintedIt() throws Exception {
    byte[] section = RealBtf.moduleBtf("oot/btfscan_demo-standalone.ko");
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-standalone.btf"), section);
    Btf btf = BtfParser.parse(section);
    assertEquals(1, btf.startId());
    assertEquals(RealBtf.fixtureText("oot/btfscan_demo-standalone.ko.bpftool.txt"), BtfDumper.dump(btf));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"btfscan_demo-split, " + RealBtf.R53, "btfscan_demo-split47, " + RealBtf.R47})
  void splitOutOfTreeModuleDumpsAsBpftoolPrintedItOnItsVmlinux(String name, String release) throws Exception {
    byte[] section = RealBtf.moduleBtf("oot/" + name + ".ko");
    assertArrayEquals(Fixtures.bytes("oot/" + name + ".btf"), section);
    Btf btf = BtfParser.parse(section, RealBtf.vmlinux(release));
    assertEquals(RealBtf.fixtureText("oot/" + name + ".ko.bpftool.txt"), BtfDumper.dump(btf));
  }

  /** pahole BTF of objects built for x86_64, i686, armhf and the big-endian s390x and mips. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"le64", "be64", "elf32", "elf32arm", "be32"})
  void crossCompiledObjectDumpsAsBpftoolPrintedItInEitherByteOrder(String object) throws Exception {
    Btf btf = BtfParser.parse(Fixtures.bytes("elf/" + object + ".btf"));
    assertEquals(object.startsWith("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, btf.order());
    assertEquals(RealBtf.fixtureText("elf/" + object + ".o.bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void tinyVmlinuxFromTheImageFixturesDumpsAsBpftoolPrintedIt() throws Exception {
    Btf btf = BtfParser.parse(Fixtures.bytes("kernels/images/tiny.btf"));
    assertEquals(RealBtf.fixtureText("kernels/images/tiny.btf.bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void wholeVmlinuxDumpsAsLiveBpftoolPrintsIt() throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    byte[] vmlinux = RealBtf.vmlinuxBytes(RealBtf.R53);
    String expected = Bpftool.dump(tmp, vmlinux, null);
    String actual = BtfDumper.dump(BtfParser.parse(vmlinux));
    assertEquals(expected.length(), actual.length(), "dump length");
    assertEquals(expected, actual);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules53")
  void moduleDumpsAsLiveBpftoolPrintsIt(String module) throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    byte[] vmlinux = RealBtf.vmlinuxBytes(RealBtf.R53);
    byte[] section = RealBtf.moduleBtf(module);
    Btf btf = BtfParser.parse(section, BtfParser.parse(vmlinux));
    assertEquals(Bpftool.dump(tmp, section, vmlinux), BtfDumper.dump(btf));
  }
}
