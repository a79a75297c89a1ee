package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElfSectionTableTest {
  private static final byte[] PAYLOAD = "section payload".getBytes(StandardCharsets.US_ASCII);

  static List<Arguments> layouts() {
    return List.of(
        Arguments.of(TestElf.elf64(ByteOrder.LITTLE_ENDIAN), 64, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(TestElf.elf64(ByteOrder.BIG_ENDIAN), 64, ByteOrder.BIG_ENDIAN),
        Arguments.of(TestElf.elf32(ByteOrder.LITTLE_ENDIAN), 32, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(TestElf.elf32(ByteOrder.BIG_ENDIAN), 32, ByteOrder.BIG_ENDIAN));
  }

  @ParameterizedTest(name = "ELF{1} {2}")
  @MethodSource("layouts")
  void readsClassOrderAndSectionsOfEveryLayout(TestElf elf, int cls, ByteOrder order) throws Exception {
    byte[] file = elf.machine(22).section(".text", new byte[3]).section(".BTF", PAYLOAD).build();

    ElfSectionTable t = ElfSectionTable.read(file);

    assertEquals(cls, t.elfClass());
    assertEquals(order, t.order());
    assertEquals(22, t.machine());
    assertEquals(cls == 64 ? "s390x" : "s390", t.machineName());
    assertEquals(List.of("", ".text", ".BTF", ".shstrtab"), t.sections().stream().map(ElfSection::name).toList());
    assertArrayEquals(PAYLOAD, t.bytes(".BTF").orElseThrow());
    assertTrue(t.bytes(".BTF.base").isEmpty());
  }

  @Test
  void rejectsNonElfInputNamingTheMagicItFound() {
    ElfFormatException e = assertThrows(ElfFormatException.class,
        () -> ElfSectionTable.read("MZ\u0090\u0000rest".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("not an ELF file (magic 4d 5a 90 00, want 7f 45 4c 46)", e.getMessage());
  }

  @Test
  void rejectsEmptyInput() {
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(new byte[0]));
    assertEquals("not an ELF file (magic none, empty input, want 7f 45 4c 46)", e.getMessage());
  }

  @Test
  void rejectsUnknownElfClass() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).build();
    file[4] = 3;
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("unknown ELF class 3 at offset 0x4 (want 1 or 2)", e.getMessage());
  }

  @Test
  void rejectsFileCutInsideTheElfHeader() {
    byte[] file = Arrays.copyOf(TestElf.elf64(ByteOrder.LITTLE_ENDIAN).build(), 40);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("truncated ELF header: file has 0x28 bytes, ELF64 header needs 0x40", e.getMessage());
  }

  @Test
  void rejectsFileCutInsideTheSectionHeaderTable() {
    byte[] whole = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".BTF", PAYLOAD).build();
    byte[] file = Arrays.copyOf(whole, whole.length - 1);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    long shoff = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
    assertEquals("section header table [off 0x" + Long.toHexString(shoff) + ", 3 entries of 0x40 bytes]"
        + " runs past end of file (0x" + Integer.toHexString(file.length) + ")", e.getMessage());
  }

  @Test
  void rejectsSectionRunningPastEndOfFile() {
    byte[] file = TestElf.elf32(ByteOrder.BIG_ENDIAN).sectionAt(".BTF", 1, 0x40, 0x10000).build();
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("section [1] [off 0x40, size 0x10000] runs past end of file (0x"
        + Integer.toHexString(file.length) + ")", e.getMessage());
  }

  @Test
  void rejectsSectionWhoseU64OffsetWrapsAround() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).sectionAt(".BTF", 1, -8L, 16).build();
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertTrue(e.getMessage().startsWith("section [1] [off 0xfffffffffffffff8, size 0x10] runs past end of file"),
        e.getMessage());
  }

  @Test
  void rejectsOverlappingSectionsNamingBoth() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN)
        .section(".text", new byte[32])
        .sectionAt(".BTF", 1, 0x50, 0x20)
        .build();
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("overlapping sections .text [off 0x40, size 0x20] and .BTF [off 0x50, size 0x20]", e.getMessage());
  }

  @Test
  void rejectsSectionContainedInsideAnother() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN)
        .section(".text", new byte[64])
        .sectionAt(".BTF", 1, 0x48, 0x8)
        .sectionAt(".BTF.base", 1, 0x60, 0x8)
        .build();
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("overlapping sections .text [off 0x40, size 0x40] and .BTF [off 0x48, size 0x8]", e.getMessage());
  }

  @Test
  void acceptsNobitsSectionsThatClaimBytesBeyondTheFile() throws Exception {
    // .bss occupies memory, not file bytes: its offset and size say nothing about the file.
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".text", new byte[8])
        .sectionAt(".bss", ElfSection.SHT_NOBITS, 0x40, 0x100000).build();
    ElfSectionTable t = ElfSectionTable.read(file);
    assertEquals(0, t.bytes(".bss").orElseThrow().length);
  }

  @Test
  void rejectsSectionNameOutsideTheNameTable() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".BTF", PAYLOAD).build();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int shoff = (int) b.getLong(40);
    b.putInt(shoff + 64, 0x7777);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertTrue(e.getMessage().startsWith("section [1] name offset 0x7777 outside the section name table section [2]"),
        e.getMessage());
  }

  @Test
  void rejectsNameTableIndexBeyondTheSectionCount() {
    byte[] file = TestElf.elf32(ByteOrder.LITTLE_ENDIAN).build();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(50, (short) 9);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("section name table index 9 is not below the section count 2", e.getMessage());
  }

  @Test
  void rejectsSectionHeaderEntriesSmallerThanTheStandardSize() {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).build();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(58, (short) 8);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfSectionTable.read(file));
    assertEquals("section header entry size 0x8 below the ELF64 minimum 0x40", e.getMessage());
  }

  @Test
  void followsExtendedSectionNumberingThroughSectionZero() throws Exception {
    byte[] file = TestElf.elf64(ByteOrder.BIG_ENDIAN).section(".BTF", PAYLOAD).build();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
    int shoff = (int) b.getLong(40);
    b.putShort(60, (short) 0).putShort(62, (short) 0xffff);
    b.putLong(shoff + 32, 3).putInt(shoff + 40, 2);
    assertArrayEquals(PAYLOAD, ElfSectionTable.read(file).bytes(".BTF").orElseThrow());
  }

  @Test
  void treatsFileWithoutSectionHeaderTableAsHavingNoSections() throws Exception {
    byte[] file = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).build();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(40, 0);
    ElfSectionTable t = ElfSectionTable.read(file);
    assertEquals(List.of(), t.sections());
    assertEquals(2, t.type());
  }

  @Test
  void neverThrowsUncheckedExceptionsOnRandomDamage() {
    byte[] good = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).section(".text", new byte[40]).section(".BTF", PAYLOAD).build();
    Random random = new Random(42);
    for (int round = 0; round < 20_000; round++) {
      byte[] file = good.clone();
      int flips = 1 + random.nextInt(4);
      for (int i = 0; i < flips; i++) {
        file[4 + random.nextInt(file.length - 4)] = (byte) random.nextInt();
      }
      if (random.nextInt(4) == 0) {
        file = Arrays.copyOf(file, 4 + random.nextInt(file.length - 4));
      }
      try {
        ElfSectionTable.read(file).bytes(".BTF");
      } catch (ElfFormatException expected) {
        // damage detected and described: fine
      }
    }
  }
}
