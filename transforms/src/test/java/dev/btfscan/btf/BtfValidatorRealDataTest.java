package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real Debian BTF validates clean; a module read against the wrong vmlinux does not. */
class BtfValidatorRealDataTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {RealBtf.R53, RealBtf.R47})
  void debianVmlinuxBtfIsClean(String release) {
    Btf vmlinux = RealBtf.vmlinux(release);
    assertTrue(vmlinux.typeCount() > 90_000, "types: " + vmlinux.typeCount());
    ValidationResult r = BtfValidator.validate(vmlinux);
    assertEquals(0, r.errorCount() + r.warningCount(), r.toString());
  }

  static Stream<Arguments> modules() {
    List<String> m53 = RealBtf.modules(RealBtf.R53);
    List<String> m47 = RealBtf.modules(RealBtf.R47);
    assertFalse(m53.isEmpty());
    assertFalse(m47.isEmpty());
    return Stream.concat(
        m53.stream().map(p -> Arguments.of(RealBtf.R53, p)),
        m47.stream().map(p -> Arguments.of(RealBtf.R47, p)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modules")
  void debianModuleSplitOnItsOwnVmlinuxIsClean(String release, String ko) throws BtfFormatException {
    Btf module = BtfParser.parse(RealBtf.moduleBtf(ko), RealBtf.vmlinux(release));
    assertTrue(module.typeCount() > 0);
    ValidationResult r = BtfValidator.validate(module);
    assertEquals(0, r.errorCount() + r.warningCount(), ko.substring(ko.lastIndexOf('/') + 1) + ":\n" + r);
  }

  static Stream<Arguments> outOfTree() {
    return Stream.of(
        Arguments.of("btfscan_demo-standalone", null),
        Arguments.of("btfscan_demo-split", RealBtf.R53),
        Arguments.of("btfscan_demo-split47", RealBtf.R47));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outOfTree")
  void outOfTreeModuleBtfIsClean(String name, String baseRelease) throws BtfFormatException {
    Btf base = baseRelease == null ? null : RealBtf.vmlinux(baseRelease);
    byte[] raw = Fixtures.bytes("oot/" + name + ".btf");
    ValidationResult r = BtfValidator.validate(BtfParser.parse(raw, base));
    assertEquals(0, r.errorCount() + r.warningCount(), name + ":\n" + r);
    byte[] section = RealBtf.moduleBtf("oot/" + name + ".ko");
    ValidationResult fromKo = BtfValidator.validate(BtfParser.parse(section, base));
    assertEquals(0, fromKo.errorCount() + fromKo.warningCount(), name + ".ko:\n" + fromKo);
  }

  @Test
  void moduleReadAgainstTheWrongVmlinuxIsRejectedPrecisely() throws BtfFormatException {
    // The 47 af_key.ko split on the 53 vmlinux: bpftool prints STRUCT 'ume_play_dead' silently.
    String ko47 = "modules/" + RealBtf.R47 + "/af_key.ko";
    Btf wrong = BtfParser.parse(RealBtf.moduleBtf(ko47), RealBtf.vmlinux(RealBtf.R53));
    ValidationResult r = BtfValidator.validate(wrong);
    assertTrue(r.errorCount() > 0, r.toString());
    BtfProblem first = r.problems().get(0);
    assertEquals(Severity.WARNING, first.severity());
    assertEquals(Stage.LINT, first.stage());
    assertTrue(first.toString().startsWith(
        "type [95061] STRUCT 'ume_play_dead': name_off 1689866 points into the middle of a string"), first.toString());
    // Type ids land on the wrong base types too: some reference checks fail.
    assertTrue(r.errors().stream().anyMatch(p -> p.stage() == Stage.RESOLVE || p.stage() == Stage.META), r.toString());
    assertTrue(r.toString().contains("type [95065] STRUCT 'ad' member 3 '': Invalid name: empty name (name_off"), r.toString());
  }
}
