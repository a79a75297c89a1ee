package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
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
  void standaloneOutOfTreeModuleDumpsAsBpftoolPrintedIt() throws Exception {
    byte[] section = BtfTestData.btfSection("oot/btfscan_demo-standalone.ko");
    assertArrayEquals(Fixtures.bytes("oot/btfscan_demo-standalone.btf"), section);
    Btf btf = BtfParser.parse(section);
    assertEquals(1, btf.startId());
    assertEquals(BtfTestData.text("oot/btfscan_demo-standalone.ko.bpftool.txt"), BtfDumper.dump(btf));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"btfscan_demo-split, " + BtfTestData.RELEASE_53, "btfscan_demo-split47, " + BtfTestData.RELEASE_47})
  void splitOutOfTreeModuleDumpsAsBpftoolPrintedItOnItsVmlinux(String name, String release) throws Exception {
    byte[] section = BtfTestData.btfSection("oot/" + name + ".ko");
    assertArrayEquals(Fixtures.bytes("oot/" + name + ".btf"), section);
    Btf btf = BtfParser.parse(section, BtfTestData.vmlinux(release));
    assertEquals(BtfTestData.text("oot/" + name + ".ko.bpftool.txt"), BtfDumper.dump(btf));
  }

  /** pahole BTF of objects built for x86_64, i686, armhf and the big-endian s390x and mips. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"le64", "be64", "elf32", "elf32arm", "be32"})
  void crossCompiledObjectDumpsAsBpftoolPrintedItInEitherByteOrder(String object) throws Exception {
    Btf btf = BtfParser.parse(Fixtures.bytes("elf/" + object + ".btf"));
    assertEquals(object.startsWith("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, btf.order());
    assertEquals(BtfTestData.text("elf/" + object + ".o.bpftool.txt"), BtfDumper.dump(btf));
  }

  @Test
  void tinyVmlinuxFromTheImageFixturesDumpsAsBpftoolPrintedIt() throws Exception {
    Btf btf = BtfParser.parse(Fixtures.bytes("kernels/images/tiny.btf"));
    assertEquals(BtfTestData.text("kernels/images/tiny.btf.bpftool.txt"), BtfDumper.dump(btf));
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
