package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ModuleSlimmerTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "modules/6.1.0-53-cloud-amd64/af_key.ko", "modules/6.1.0-53-cloud-amd64/zsmalloc.ko",
      "modules/6.1.0-47-cloud-amd64/af_key.ko", "oot/btfscan_demo-distilled.ko", "oot/btfscan_demo-standalone.ko",
      "oot/btfscan_demo-nobtf.ko"})
  void aRealModuleShrinksAndReadsBackTheSame(String fixture) throws Exception {
    byte[] ko = Fixtures.bytes(fixture);
    byte[] slim = ModuleSlimmer.slim(ko);
    assertTrue(slim.length < ko.length, fixture + ": " + slim.length + " of " + ko.length);
    assertSameImage(ko, slim);
  }

  @Test
  void bothClassesAndByteOrdersKeepTheirHeaderFields() throws Exception {
    byte[] info = "name=x\0vermagic=6.1.0-53-cloud-amd64 SMP\0".getBytes(StandardCharsets.UTF_8);
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      for (TestElf e : new TestElf[] {TestElf.elf64(order).machine(22), TestElf.elf32(order).machine(8)}) {
        byte[] ko = e.section(".text", new byte[4096]).section(".BTF", new byte[] {1, 2, 3})
            .section(".modinfo", info).section(".BTF.base", new byte[] {9}).build();
        byte[] slim = ModuleSlimmer.slim(ko);
        assertTrue(slim.length < ko.length);
        assertSameImage(ko, slim);
      }
    }
  }

  @Test
  void compressedDamagedAndNonModuleInputsAreKeptAsTheyAre() throws Exception {
    byte[] xz = Fixtures.bytes("modules/6.1.0-53-cloud-amd64/af_key.ko.xz");
    assertSame(xz, ModuleSlimmer.slim(xz));
    byte[] overlapping = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".BTF", new byte[64])
        .sectionAt(".modinfo", 1, 64, 64).build();
    assertSame(overlapping, ModuleSlimmer.slim(overlapping));
    byte[] exec = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).section(".BTF", new byte[64]).build();
    assertSame(exec, ModuleSlimmer.slim(exec));
    byte[] junk = Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F'}, 20);
    assertSame(junk, ModuleSlimmer.slim(junk));
    // the note on a compressed .BTF names where it is: the original is kept, so it reads the same
    byte[] compressedBtf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".text", new byte[4096])
        .section(".BTF", new byte[64], ElfSection.SHF_COMPRESSED).build();
    assertSame(compressedBtf, ModuleSlimmer.slim(compressedBtf));
  }

  private static void assertSameImage(byte[] ko, byte[] slim) throws Exception {
    ModuleImage a = ModuleImage.fromStored(ko);
    ModuleImage b = ModuleImage.fromStored(slim);
    assertEquals(a.elfClass(), b.elfClass());
    assertEquals(a.order(), b.order());
    assertEquals(a.machine(), b.machine());
    assertEquals(a.compression(), b.compression());
    assertArrayEquals(a.btf().orElse(null), b.btf().orElse(null));
    assertArrayEquals(a.btfBase().orElse(null), b.btfBase().orElse(null));
    assertEquals(a.btfNotAsStored(), b.btfNotAsStored());
    assertEquals(a.modinfo().getAll("name"), b.modinfo().getAll("name"));
    assertEquals(a.modinfo().getAll("vermagic"), b.modinfo().getAll("vermagic"));
  }
}
