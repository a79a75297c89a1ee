package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.fixtures.Fixtures;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Objects built by real cross compilers for each ELF class and byte order (fixtures/data/elf). */
class CrossCompiledObjectFixturesTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "le64, 64, LITTLE_ENDIAN, x86_64",
      "be64, 64, BIG_ENDIAN, s390x",
      "elf32, 32, LITTLE_ENDIAN, i686",
      "elf32arm, 32, LITTLE_ENDIAN, arm",
      "be32, 32, BIG_ENDIAN, mips"})
  void extractsBtfSectionWithClassOrderAndMachine(String name, int cls, String order, String machine)
      throws Exception {
    ModuleImage m = ModuleImage.from(Fixtures.bytes("elf/" + name + ".o"));

    assertEquals(cls, m.elfClass());
    assertEquals(order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, m.order());
    assertEquals(machine, m.machine());
    assertArrayEquals(Fixtures.bytes("elf/" + name + ".btf"), m.btf().orElseThrow());
  }
}
