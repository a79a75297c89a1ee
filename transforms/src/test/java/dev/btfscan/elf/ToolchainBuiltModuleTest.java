package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.fornwall.jelf.ElfFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Objects made by the real toolchain (gcc, objcopy --add-section as pahole/resolve_btfids do), so
 * that the reader is checked against section layouts it did not invent. Skipped without gcc.
 */
class ToolchainBuiltModuleTest {
  private static final String SOURCE = "static const char modinfo[] __attribute__((section(\".modinfo\"), used)) =\n"
      + "  \"license=GPL\\0name=gccmod\\0depends=a,b\\0vermagic=6.1.0-test SMP mod_unload \";\n"
      + "int gccmod_init(void) { return 0; }\n";

  @TempDir Path dir;

  @ParameterizedTest(name = "gcc -m{0}")
  @ValueSource(ints = {64, 32})
  void readsGccObjectWithObjcopyAddedBtfSection(int bits) throws Exception {
    Path c = dir.resolve("gccmod.c");
    Files.writeString(c, SOURCE);
    Path o = dir.resolve("gccmod.o");
    assumeTrue(run("gcc", "-m" + bits, "-c", c.toString(), "-o", o.toString()), "gcc -m" + bits + " unavailable");
    byte[] btf = new byte[37];
    for (int i = 0; i < btf.length; i++) {
      btf[i] = (byte) (i * 7);
    }
    Path btfFile = Files.write(dir.resolve("btf.bin"), btf);
    Path ko = dir.resolve("gccmod.ko");
    assumeTrue(run("objcopy", "--add-section", ".BTF=" + btfFile, o.toString(), ko.toString()), "objcopy unavailable");
    byte[] bytes = Files.readAllBytes(ko);

    ModuleImage m = ModuleImage.from(bytes);

    assertEquals(bits, m.elfClass());
    assertEquals(ByteOrder.LITTLE_ENDIAN, m.order());
    assertEquals(bits == 64 ? "x86_64" : "i686", m.machine());
    assertArrayEquals(btf, m.btf().orElseThrow());
    assertArrayEquals(ElfFile.from(bytes).firstSectionByName(".BTF").getData(), m.btf().orElseThrow());
    assertEquals(Optional.of("gccmod"), m.modinfo().name());
    assertEquals(Optional.of("6.1.0-test"), m.modinfo().release());
    assertEquals(List.of("a", "b"), m.modinfo().depends());
  }

  private static boolean run(String... cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
