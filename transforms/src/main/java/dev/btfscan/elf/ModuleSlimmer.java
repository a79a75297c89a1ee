package dev.btfscan.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Shrinks an uncompressed module to the ELF that {@link ModuleImage} reads from it: the original
 * ELF header (class, byte order, type, machine kept), and only {@code .BTF}, {@code .BTF.base} and
 * {@code .modinfo} plus a section name table. A Debian module is ~10x its BTF, and a scan holds
 * every module of every package until the vmlinux side input is complete (a batch side input waits
 * for all of its input), so the package reader applies this as it reads (see
 * {@code KernelPackageIO.Read.withModuleBytes}): a scan's memory follows BTF, not .ko bytes.
 *
 * <p>Identity is the fallback: compressed modules (their compression is reported), ELF the reader
 * rejects (its error is reported), and any case where the slim ELF does not read back exactly as
 * the original (checked every time) keep their original bytes.
 */
public final class ModuleSlimmer {
  private static final List<String> KEPT = List.of(".BTF", ".BTF.base", ".modinfo");
  private static final int SHT_STRTAB = 3;

  private ModuleSlimmer() {}

  /** The slim ELF, or {@code stored} itself when it cannot or should not be slimmed. */
  public static byte[] slim(byte[] stored) {
    try {
      if (!ElfSectionTable.hasMagic(stored)) {
        return stored; // compressed or not ELF: kept as is
      }
      ElfSectionTable t = ElfSectionTable.read(stored);
      if (t.type() != ElfSectionTable.ET_REL) {
        return stored;
      }
      byte[] slim = write(stored, t);
      if (slim.length >= stored.length || !sameImage(t, slim)) {
        return stored;
      }
      return slim;
    } catch (ElfFormatException | RuntimeException e) {
      return stored; // the analysis reads the original and reports why
    }
  }

  private static byte[] write(byte[] original, ElfSectionTable t) {
    boolean is64 = t.elfClass() == 64;
    ByteOrder order = t.order();
    int ehsize = is64 ? 64 : 52;
    int shentsize = is64 ? 64 : 40;
    List<String> names = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    List<ElfSection> kept = new ArrayList<>();
    for (String name : KEPT) {
      Optional<ElfSection> s = t.find(name);
      if (s.isPresent()) {
        names.add(name);
        data.add(t.bytes(s.get()));
        kept.add(s.get());
      }
    }
    // .shstrtab: "\0" + names + ".shstrtab\0"
    StringBuilder strtab = new StringBuilder("\0");
    int[] nameOff = new int[names.size() + 1];
    for (int i = 0; i < names.size(); i++) {
      nameOff[i] = strtab.length();
      strtab.append(names.get(i)).append('\0');
    }
    nameOff[names.size()] = strtab.length();
    strtab.append(".shstrtab\0");
    byte[] strBytes = strtab.toString().getBytes(StandardCharsets.US_ASCII);

    int[] offsets = new int[names.size() + 1];
    int pos = ehsize;
    for (int i = 0; i < data.size(); i++) {
      pos = align(pos, 8);
      offsets[i] = pos;
      pos += data.get(i).length;
    }
    offsets[names.size()] = pos;
    pos += strBytes.length;
    int shoff = align(pos, 8);
    int shnum = names.size() + 2; // null section, kept sections, .shstrtab
    ByteBuffer b = ByteBuffer.allocate(shoff + shnum * shentsize).order(order);
    b.put(original, 0, ehsize);
    for (int i = 0; i < data.size(); i++) {
      b.put(offsets[i], data.get(i));
    }
    b.put(offsets[names.size()], strBytes);
    // header: no program headers, the new section table
    if (is64) {
      b.putLong(32, 0).putLong(40, shoff).putShort(54, (short) 0).putShort(56, (short) 0)
          .putShort(58, (short) shentsize).putShort(60, (short) shnum).putShort(62, (short) (shnum - 1));
    } else {
      b.putInt(28, 0).putInt(32, shoff).putShort(42, (short) 0).putShort(44, (short) 0)
          .putShort(46, (short) shentsize).putShort(48, (short) shnum).putShort(50, (short) (shnum - 1));
    }
    for (int i = 0; i <= names.size(); i++) {
      int p = shoff + (i + 1) * shentsize;
      int size = i < names.size() ? data.get(i).length : strBytes.length;
      // a kept section keeps its type and flags (SHF_COMPRESSED says how its bytes are to be read)
      int type = i < names.size() ? kept.get(i).type() : SHT_STRTAB;
      long flags = i < names.size() ? kept.get(i).flags() : 0;
      b.putInt(p, nameOff[i]).putInt(p + 4, type);
      if (is64) {
        b.putLong(p + 8, flags).putLong(p + 24, offsets[i]).putLong(p + 32, size).putLong(p + 48, 1);
      } else {
        b.putInt(p + 8, (int) flags).putInt(p + 16, offsets[i]).putInt(p + 20, size).putInt(p + 32, 1);
      }
    }
    return b.array();
  }

  /**
   * Reads back as the original: the same header fields, the same bytes of every kept section, and
   * the same verdict on how they are stored.
   */
  private static boolean sameImage(ElfSectionTable a, byte[] slim) throws ElfFormatException {
    ElfSectionTable b = ElfSectionTable.read(slim);
    if (a.elfClass() != b.elfClass() || !a.order().equals(b.order()) || a.type() != b.type()
        || a.machine() != b.machine()) {
      return false;
    }
    for (String name : KEPT) {
      // A section stored compressed or as NOBITS makes the module invalid: the slim copy must say so too.
      if (!a.find(name).flatMap(a::notAsStored).equals(b.find(name).flatMap(b::notAsStored))
          || !Arrays.equals(a.bytes(name).orElse(null), b.bytes(name).orElse(null))) {
        return false;
      }
    }
    return true;
  }

  private static int align(int v, int a) {
    return (v + a - 1) & -a;
  }
}
