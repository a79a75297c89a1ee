package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BtfValidatorRealDataTest {

  @Test
  void debianVmlinuxBtfHasNoErrors() {
    Btf vmlinux = RealBtf.vmlinux();
    assertTrue(vmlinux.typeCount() > 90_000, "types: " + vmlinux.typeCount());
    ValidationResult r = BtfValidator.validate(vmlinux);
    assertEquals(0, r.errorCount(), r.toString());
  }

  static Stream<Path> modules() {
    List<Path> m = RealBtf.modules();
    assertFalse(m.isEmpty());
    return m.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void debianModuleSplitOnItsVmlinuxHasNoErrors(Path ko) throws BtfFormatException {
    Btf module = BtfParser.parse(RealBtf.moduleBtf(ko), RealBtf.vmlinux());
    assertTrue(module.typeCount() > 0);
    ValidationResult r = BtfValidator.validate(module);
    assertEquals(0, r.errorCount(), ko.getFileName() + ":\n" + r);
  }
}
