package dev.btfscan.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ELF header and section header table of an in-memory ELF file (ELF32 or ELF64, either byte
 * order), checked strictly before anything is sliced out of it.
 *
 * <p>Why not jelf: {@code ElfFile.from(byte[])} parses symbol tables and relocations eagerly
 * (17-26 ms on a large module, far more on a 60 MB vmlinux) although extraction only needs the
 * section table, and on damaged input it throws unchecked exceptions from deep inside. Reading the
 * table is ~100 lines; doing it here means every offset is checked once, with a message that names
 * the section. jelf stays in the tests as an independent oracle for real files.
 *
 * <p>Checks: magic, class, byte order, the header and the section header table inside the file,
 * entry size at least the standard one, every section with file bytes inside the file, no two such
 * sections overlapping, section names inside the name table. Extended numbering (more than 0xff00
 * sections, {@code e_shnum == 0}, {@code e_shstrndx == SHN_XINDEX}) is followed as the ELF gABI says.
 */
public final class ElfSectionTable {
  public static final int ET_REL = 1;

  private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final int EI_CLASS = 4;
  private static final int EI_DATA = 5;
  private static final int SHN_XINDEX = 0xffff;
  private static final int ELFCOMPRESS_ZLIB = 1;
  private static final int ELFCOMPRESS_ZSTD = 2;

  private final byte[] data;
  private final int elfClass;
  private final ByteOrder order;
  private final int type;
  private final int machine;
  private final List<ElfSection> sections;

  private ElfSectionTable(
      byte[] data, int elfClass, ByteOrder order, int type, int machine, List<ElfSection> sections) {
    this.data = data;
    this.elfClass = elfClass;
    this.order = order;
    this.type = type;
    this.machine = machine;
    this.sections = sections;
  }

  /** Whether {@code data} starts with the ELF magic. */
  public static boolean hasMagic(byte[] data) {
    return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * Reads and checks the headers of {@code data}. The array is kept, not copied: callers must not
   * change it while they use the table.
   */
  public static ElfSectionTable read(byte[] data) throws ElfFormatException {
    if (!hasMagic(data)) {
      throw new ElfFormatException("not an ELF file (magic " + hex(data, 0, 4) + ", want 7f 45 4c 46)");
    }
    if (data.length < 16) {
      throw new ElfFormatException("truncated ELF identification: " + data.length + " bytes of 16");
    }
    int cls = data[EI_CLASS];
    if (cls != 1 && cls != 2) {
      throw new ElfFormatException("unknown ELF class " + cls + " at offset 0x4 (want 1 or 2)");
    }
    int enc = data[EI_DATA];
    if (enc != 1 && enc != 2) {
      throw new ElfFormatException("unknown ELF data encoding " + enc + " at offset 0x5 (want 1 or 2)");
    }
    boolean is64 = cls == 2;
    ByteOrder order = enc == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    int ehsize = is64 ? 64 : 52;
    if (data.length < ehsize) {
      throw new ElfFormatException(
          "truncated ELF header: file has 0x" + Integer.toHexString(data.length) + " bytes, ELF"
              + (is64 ? 64 : 32) + " header needs 0x" + Integer.toHexString(ehsize));
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(order);
    int type = b.getShort(16) & 0xffff;
    int machine = b.getShort(18) & 0xffff;
    long shoff = is64 ? b.getLong(40) : Integer.toUnsignedLong(b.getInt(32));
    int shentsize = b.getShort(is64 ? 58 : 46) & 0xffff;
    long shnum = b.getShort(is64 ? 60 : 48) & 0xffff;
    long shstrndx = b.getShort(is64 ? 62 : 50) & 0xffff;
    int elfClass = is64 ? 64 : 32;
    if (shoff == 0) {
      // No section header table: legal (a stripped executable), just nothing to extract.
      return new ElfSectionTable(data, elfClass, order, type, machine, List.of());
    }
    int minEntry = is64 ? 64 : 40;
    if (shentsize < minEntry) {
      throw new ElfFormatException(
          "section header entry size 0x" + Integer.toHexString(shentsize) + " below the ELF"
              + elfClass + " minimum 0x" + Integer.toHexString(minEntry));
    }
    checkTableFits(data, shoff, 1, shentsize);
    if (shnum == 0) {
      shnum = is64 ? b.getLong((int) shoff + 32) : Integer.toUnsignedLong(b.getInt((int) shoff + 20));
    }
    checkTableFits(data, shoff, shnum, shentsize);
    if (shstrndx == SHN_XINDEX) {
      shstrndx = Integer.toUnsignedLong(b.getInt((int) shoff + (is64 ? 40 : 24)));
    }
    if (shstrndx >= shnum) {
      throw new ElfFormatException(
          "section name table index " + shstrndx + " is not below the section count " + shnum);
    }
    int n = (int) shnum;
    int[] nameOffsets = new int[n];
    List<ElfSection> raw = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int p = (int) (shoff + (long) i * shentsize);
      nameOffsets[i] = b.getInt(p);
      int shType = b.getInt(p + 4);
      long flags = is64 ? b.getLong(p + 8) : Integer.toUnsignedLong(b.getInt(p + 8));
      long off = is64 ? b.getLong(p + 24) : Integer.toUnsignedLong(b.getInt(p + 16));
      long size = is64 ? b.getLong(p + 32) : Integer.toUnsignedLong(b.getInt(p + 20));
      raw.add(new ElfSection(i, "", shType, off, size, flags));
    }
    for (ElfSection s : raw) {
      checkInFile(s, data.length);
    }
    ElfSection names = raw.get((int) shstrndx);
    List<ElfSection> named = new ArrayList<>(n);
    for (ElfSection s : raw) {
      String name = shstrndx == 0 ? "" : name(data, names, s.index(), nameOffsets[s.index()]);
      named.add(new ElfSection(s.index(), name, s.type(), s.offset(), s.size(), s.flags()));
    }
    checkNoOverlap(named);
    return new ElfSectionTable(data, elfClass, order, type, machine, Collections.unmodifiableList(named));
  }

  /** 32 or 64. */
  public int elfClass() {
    return elfClass;
  }

  public ByteOrder order() {
    return order;
  }

  /** {@code e_type}: {@link #ET_REL} for modules, 2 (ET_EXEC) for vmlinux. */
  public int type() {
    return type;
  }

  /** {@code e_machine}. */
  public int machine() {
    return machine;
  }

  /** The machine as {@code uname -m} names it, see {@link ElfMachine}. */
  public String machineName() {
    return ElfMachine.name(machine, elfClass, order);
  }

  public List<ElfSection> sections() {
    return sections;
  }

  /** The first section called {@code name}. */
  public Optional<ElfSection> find(String name) {
    for (ElfSection s : sections) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** A copy of the section's file bytes (empty for NOBITS); bounds were checked by {@link #read}. */
  public byte[] bytes(ElfSection s) {
    if (!s.hasFileBytes()) {
      return new byte[0];
    }
    return Arrays.copyOfRange(data, (int) s.offset(), (int) s.end());
  }

  /**
   * Why the section's file bytes are not its content, or empty when they are: a compressed
   * section ({@code SHF_COMPRESSED}, as {@code objcopy --compress-sections} makes) holds an
   * {@code Elf_Chdr} and a zlib or zstd stream, a {@code SHT_NOBITS} one no bytes at all. Readers
   * that take a section as stored (the kernel's module loader, libbpf) cannot use either.
   */
  public Optional<String> notAsStored(ElfSection s) {
    if (s.type() == ElfSection.SHT_NOBITS && s.size() > 0) {
      return Optional.of(s.describe() + " is SHT_NOBITS: its 0x" + Long.toHexString(s.size())
          + " bytes are not in the file");
    }
    if (!s.isCompressed()) {
      return Optional.empty();
    }
    String how = "of an unreadable kind (no Elf_Chdr)";
    if (s.hasFileBytes() && s.size() >= 4) {
      int chType = ByteBuffer.wrap(data, (int) s.offset(), 4).order(order).getInt((int) s.offset());
      how = chType == ELFCOMPRESS_ZLIB ? "with zlib" : chType == ELFCOMPRESS_ZSTD ? "with zstd"
          : "of unknown ch_type " + Integer.toUnsignedString(chType);
    }
    return Optional.of(s.describe() + " is compressed (SHF_COMPRESSED) " + how
        + ": the kernel's module loader and libbpf read it as stored");
  }

  /** A copy of the named section's bytes, if the file has such a section. */
  public Optional<byte[]> bytes(String name) {
    return find(name).map(this::bytes);
  }

  private static void checkTableFits(byte[] data, long shoff, long shnum, int shentsize)
      throws ElfFormatException {
    // shnum < 2^32 after extended numbering at most in ELF32, but may be any u64 in ELF64.
    // Both are u64 in ELF64: a negative Java long is a huge unsigned value.
    boolean fits = shnum >= 0 && shnum <= Integer.MAX_VALUE
        && shoff >= 0 && shoff <= data.length
        && shnum * shentsize <= data.length - shoff;
    if (!fits) {
      throw new ElfFormatException(
          "section header table [off 0x" + Long.toHexString(shoff) + ", " + Long.toUnsignedString(shnum)
              + " entries of 0x" + Integer.toHexString(shentsize) + " bytes] runs past end of file (0x"
              + Integer.toHexString(data.length) + ")");
    }
  }

  private static void checkInFile(ElfSection s, int fileSize) throws ElfFormatException {
    if (!s.hasFileBytes()) {
      return;
    }
    // Unsigned compare: a u64 offset with the top bit set is negative as a Java long.
    if (s.offset() < 0 || s.size() < 0 || s.offset() > fileSize || s.size() > fileSize - s.offset()) {
      throw new ElfFormatException(
          s.describe() + " runs past end of file (0x" + Integer.toHexString(fileSize) + ")");
    }
  }

  private static String name(byte[] data, ElfSection names, int index, int nameOffset)
      throws ElfFormatException {
    long off = Integer.toUnsignedLong(nameOffset);
    // A NOBITS or NULL name table has no bytes in the file whatever its sh_size claims.
    long available = names.hasFileBytes() ? names.size() : 0;
    if (off >= available) {
      throw new ElfFormatException(
          "section [" + index + "] name offset 0x" + Long.toHexString(off) + " outside the section name table "
              + names.describe());
    }
    int start = (int) (names.offset() + off);
    int end = (int) names.end();
    for (int p = start; p < end; p++) {
      if (data[p] == 0) {
        return new String(data, start, p - start, StandardCharsets.UTF_8);
      }
    }
    throw new ElfFormatException(
        "section [" + index + "] name at offset 0x" + Long.toHexString(off) + " is not NUL-terminated inside "
            + names.describe());
  }

  private static void checkNoOverlap(List<ElfSection> all) throws ElfFormatException {
    List<ElfSection> withBytes = new ArrayList<>();
    for (ElfSection s : all) {
      if (s.hasFileBytes()) {
        withBytes.add(s);
      }
    }
    withBytes.sort(Comparator.comparingLong(ElfSection::offset).thenComparingInt(ElfSection::index));
    // Compare with the furthest-reaching section so far, so that containment is caught too.
    ElfSection reach = null;
    for (ElfSection s : withBytes) {
      if (reach != null && s.offset() < reach.end()) {
        throw new ElfFormatException("overlapping sections " + reach.describe() + " and " + s.describe());
      }
      if (reach == null || s.end() > reach.end()) {
        reach = s;
      }
    }
  }

  private static String hex(byte[] data, int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < Math.min(data.length, from + count); i++) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", data[i] & 0xff));
    }
    return sb.length() == 0 ? "none, empty input" : sb.toString();
  }
}
