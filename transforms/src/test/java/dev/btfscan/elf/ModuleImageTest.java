package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import net.fornwall.jelf.ElfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class ModuleImageTest {
  private static final String AF_KEY = "modules/6.1.0-53-cloud-amd64/af_key.ko";
  private static final byte[] BTF = {(byte) 0x9f, (byte) 0xeb, 1, 0, 24, 0, 0, 0};
  private static final byte[] MODINFO = "license=GPL\0name=tiny\0vermagic=6.12.0-1-arm64 SMP \0"
      .getBytes(StandardCharsets.US_ASCII);

  private static byte[] tinyModule() {
    return TestElf.elf64(ByteOrder.LITTLE_ENDIAN).machine(183)
        .section(".modinfo", MODINFO).section(".BTF", BTF).build();
  }

  @Test
  void aCompressedBtfSectionIsNotUsableAsStoredAndSaysHowItIsCompressed() throws Exception {
    // objcopy --compress-sections .BTF=zlib (binutils 2.43+): an Elf64_Chdr, then the zlib stream
    java.util.zip.Deflater d = new java.util.zip.Deflater();
    d.setInput(BTF);
    d.finish();
    byte[] stream = new byte[64];
    int n = d.deflate(stream);
    java.nio.ByteBuffer chdr = java.nio.ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(1).putInt(0).putLong(BTF.length).putLong(1);
    byte[] compressed = java.util.Arrays.copyOf(chdr.array(), 24 + n);
    System.arraycopy(stream, 0, compressed, 24, n);
    byte[] ko = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".BTF", compressed, ElfSection.SHF_COMPRESSED).build();

    ModuleImage m = ModuleImage.from(ko);

    assertTrue(m.btfNotAsStored().orElseThrow().matches(
        "\\.BTF \\[off 0x40, size 0x[0-9a-f]+\\] is compressed \\(SHF_COMPRESSED\\) with zlib: the kernel's module"
            + " loader and libbpf read it as stored"), m.btfNotAsStored().get());
  }

  @Test
  void aCompressedDistilledBaseOfABigEndianElf32SaysZstd() throws Exception {
    byte[] chdr = java.nio.ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putInt(2).putInt(99).putInt(1).array();
    byte[] ko = TestElf.elf32(ByteOrder.BIG_ENDIAN).machine(8).section(".BTF", BTF)
        .section(".BTF.base", chdr, ElfSection.SHF_COMPRESSED).build();

    assertTrue(ModuleImage.from(ko).btfNotAsStored().orElseThrow().startsWith(".BTF.base [off 0x3c, size 0x10] is"
        + " compressed (SHF_COMPRESSED) with zstd"), ModuleImage.from(ko).btfNotAsStored().get());
  }

  @Test
  void aNobitsBtfSectionHasNoBytesToUse() throws Exception {
    byte[] ko = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).sectionAt(".BTF", ElfSection.SHT_NOBITS, 0x40, 0x2241).build();

    assertEquals(Optional.of(".BTF [off 0x40, size 0x2241] is SHT_NOBITS: its 0x2241 bytes are not in the file"),
        ModuleImage.from(ko).btfNotAsStored());
  }

  @Test
  void aRealModuleStoresItsBtfAsItIs() throws Exception {
    assertEquals(Optional.empty(), ModuleImage.from(Fixtures.bytes(AF_KEY)).btfNotAsStored());
  }

  @Test
  void extractsBtfAndModinfoOfRealDebianModuleAsJelfSeesThem() throws Exception {
    byte[] ko = Fixtures.bytes(AF_KEY);

    ModuleImage m = ModuleImage.from(ko);

    ElfFile oracle = ElfFile.from(ko);
    assertArrayEquals(oracle.firstSectionByName(".BTF").getData(), m.btf().orElseThrow());
    assertEquals(0x2241, m.btf().orElseThrow().length);
    assertTrue(m.btfBase().isEmpty());
    assertEquals(64, m.elfClass());
    assertEquals(ByteOrder.LITTLE_ENDIAN, m.order());
    assertEquals("x86_64", m.machine());
    assertEquals(Compression.NONE, m.compression());
    assertEquals(Optional.of("af_key"), m.modinfo().name());
    assertEquals(Optional.of("6.1.0-53-cloud-amd64"), m.modinfo().release());
    assertEquals(List.of("xfrm_algo"), m.modinfo().depends());
    assertEquals(Optional.of("GPL"), m.modinfo().license());
    assertEquals(List.of("net-pf-15"), m.modinfo().getAll("alias"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"af_key.ko", "async_xor.ko", "blake2b_generic.ko", "dm-zero.ko", "ip_vs_rr.ko",
      "nf_dup_netdev.ko", "zsmalloc.ko"})
  void agreesWithJelfOnEveryRealModule(String name) throws Exception {
    byte[] ko = Fixtures.bytes("modules/6.1.0-53-cloud-amd64/" + name);
    ModuleImage m = ModuleImage.from(ko);
    assertArrayEquals(ElfFile.from(ko).firstSectionByName(".BTF").getData(), m.btf().orElseThrow());
    assertEquals(Optional.of(name.replace(".ko", "").replace('-', '_')), m.modinfo().name());
  }

  @Test
  void readsHandAssembledBigEndianAarch64Module() throws Exception {
    byte[] ko = TestElf.elf64(ByteOrder.BIG_ENDIAN).machine(183)
        .section(".modinfo", MODINFO).section(".BTF", BTF).section(".BTF.base", new byte[] {1, 2}).build();
    ModuleImage m = ModuleImage.from(ko);
    assertEquals(ByteOrder.BIG_ENDIAN, m.order());
    assertEquals("aarch64_be", m.machine());
    assertArrayEquals(BTF, m.btf().orElseThrow());
    assertArrayEquals(new byte[] {1, 2}, m.btfBase().orElseThrow());
    assertEquals(Optional.of("6.12.0-1-arm64"), m.modinfo().release());
  }

  @Test
  void readsHandAssembledElf32Module() throws Exception {
    byte[] ko = TestElf.elf32(ByteOrder.LITTLE_ENDIAN).machine(3).section(".BTF", BTF).build();
    ModuleImage m = ModuleImage.from(ko);
    assertEquals(32, m.elfClass());
    assertEquals("i686", m.machine());
    assertArrayEquals(BTF, m.btf().orElseThrow());
    assertEquals(ModInfo.empty(), m.modinfo());
  }

  @Test
  void reportsModuleWithoutBtfAsEmpty() throws Exception {
    byte[] ko = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".modinfo", MODINFO).build();
    assertTrue(ModuleImage.from(ko).btf().isEmpty());
  }

  @Test
  void rejectsNonElfInput() {
    ElfFormatException e = assertThrows(ElfFormatException.class,
        () -> ModuleImage.from("!<arch>\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("not an ELF file (magic 21 3c 61 72, want 7f 45 4c 46)", e.getMessage());
  }

  @Test
  void rejectsExecutableThatIsNotARelocatableModule() {
    byte[] vmlinux = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).section(".BTF", BTF).build();
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ModuleImage.from(vmlinux));
    assertEquals("not a kernel module: e_type 2, modules are relocatable objects (ET_REL, 1)", e.getMessage());
  }

  @Test
  void rejectsTruncatedRealModule() throws Exception {
    byte[] ko = Fixtures.bytes(AF_KEY);
    byte[] cut = java.util.Arrays.copyOf(ko, ko.length / 2);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ModuleImage.from(cut));
    assertTrue(e.getMessage().startsWith("section header table [off 0x"), e.getMessage());
    assertTrue(e.getMessage().endsWith("runs past end of file (0x" + Integer.toHexString(cut.length) + ")"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "xz", "zstd", "gzip"})
  void fromStoredDetectsCompressionByMagicAndReportsIt(String how) throws Exception {
    byte[] ko = tinyModule();
    byte[] stored = compress(how, ko);

    ModuleImage m = ModuleImage.fromStored(stored);

    assertEquals(how, m.compression().displayName());
    assertArrayEquals(BTF, m.btf().orElseThrow());
    assertEquals(Optional.of("tiny"), m.modinfo().name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gz:gzip", "xz:xz", "zst:zstd"})
  void fromStoredReadsRealModulesCompressedAsModulesInstallDoes(String suffixAndName) throws Exception {
    String[] p = suffixAndName.split(":");
    ModuleImage m = ModuleImage.fromStored(Fixtures.bytes(AF_KEY + "." + p[0]));
    assertEquals(p[1], m.compression().displayName());
    assertArrayEquals(ModuleImage.from(Fixtures.bytes(AF_KEY)).btf().orElseThrow(), m.btf().orElseThrow());
    assertEquals(Optional.of("af_key"), m.modinfo().name());
  }

  @Test
  void fromStoredStopsAtTheDecompressionLimit() throws Exception {
    byte[] bomb = compress("zstd", new byte[4 << 20]);
    DecompressionLimits limits = DecompressionLimits.forModule().withMaxOutputBytes(1 << 20);
    assertThrows(DecompressionBombException.class, () -> ModuleImage.fromStored(bomb, limits));
  }

  /**
   * A small .ko.gz larger decompressed than any real module, though far under the ratio limit, is
   * refused at the module cap by default, not held whole (a 500 MB one ran the 2-core heap out).
   */
  @Test
  void fromStoredRefusesAModuleBeyondTheModuleCapByDefault() throws Exception {
    byte[] stored = TestElf.gzipExpandingBeyond(DecompressionLimits.DEFAULT_MODULE_MAX_BYTES);
    DecompressionBombException e = assertThrows(DecompressionBombException.class, () -> ModuleImage.fromStored(stored));
    assertTrue(e.getMessage().contains("128 MiB"), e.getMessage());
  }

  @Test
  void fromStoredReportsCorruptCompressedModuleAsIoException() throws Exception {
    byte[] stored = compress("xz", tinyModule());
    stored[stored.length / 2] ^= 0x55;
    assertThrows(IOException.class, () -> ModuleImage.fromStored(stored));
  }

  /**
   * A module that does not decompress says so, with its compressor and the decoder's reason:
   * never a bare exception name (an xz module with a few bytes after its stream, which kmod
   * refuses too, gave "EOFException").
   */
  @ParameterizedTest
  @ValueSource(strings = {"xz:trailing", "xz:cut", "xz:flipped", "zstd:trailing", "zstd:cut", "gzip:trailing",
      "gzip:cut"})
  void aModuleThatDoesNotDecompressSaysWhichCompressorAndWhy(String howAndDamage) throws Exception {
    String[] p = howAndDamage.split(":");
    byte[] whole = compress(p[0], tinyModule());
    byte[] stored = switch (p[1]) {
      case "trailing" -> java.util.Arrays.copyOf(whole, whole.length + 7); // seven zero bytes after the stream
      case "cut" -> java.util.Arrays.copyOf(whole, whole.length - 9);
      default -> flipped(whole);
    };
    IOException e = assertThrows(IOException.class, () -> ModuleImage.fromStored(stored));
    assertTrue(e.getMessage().startsWith(p[0] + " module does not decompress: "), e.getMessage());
    String reason = e.getMessage().substring((p[0] + " module does not decompress: ").length());
    assertTrue(reason.length() > 12 && !reason.matches("[A-Za-z.]*Exception"), e.getMessage());
  }

  private static byte[] flipped(byte[] stored) {
    byte[] damaged = stored.clone();
    damaged[damaged.length / 2] ^= 0x55;
    return damaged;
  }

  @Test
  void fromStoredRejectsCompressedNonElf() throws Exception {
    byte[] stored = compress("gzip", "hello".getBytes(StandardCharsets.US_ASCII));
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ModuleImage.fromStored(stored));
    assertEquals("not an ELF file (magic 68 65 6c 6c, want 7f 45 4c 46)", e.getMessage());
  }

  @Test
  void neverThrowsUncheckedExceptionsOnDamagedRealModule() throws Exception {
    byte[] ko = Fixtures.bytes(AF_KEY);
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 3000; round++) {
      byte[] damaged = ko.clone();
      // Hit the ELF header and section header table, where damage changes what is read.
      int shoff = (int) java.nio.ByteBuffer.wrap(ko).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
      for (int i = 0; i < 3; i++) {
        int at = random.nextBoolean() ? 16 + random.nextInt(48) : shoff + random.nextInt(ko.length - shoff);
        damaged[at] = (byte) random.nextInt();
      }
      try {
        ModuleImage.from(damaged);
      } catch (ElfFormatException expected) {
        // described damage is the contract
      }
    }
  }

  static byte[] compress(String how, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (how) {
      case "none":
        return data;
      case "xz":
        try (OutputStream o = new XZOutputStream(out, new LZMA2Options())) {
          o.write(data);
        }
        break;
      case "zstd":
        try (OutputStream o = new ZstdOutputStream(out)) {
          o.write(data);
        }
        break;
      case "gzip":
        try (OutputStream o = new GZIPOutputStream(out)) {
          o.write(data);
        }
        break;
      default:
        throw new IllegalArgumentException(how);
    }
    return out.toByteArray();
  }
}
