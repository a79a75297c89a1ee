package dev.btfscan.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-assembles minimal ELF files (ELF32/ELF64, either byte order) for tests: the header, each
 * section's bytes, a {@code .shstrtab}, then the section header table. Sections added with
 * {@link #sectionAt} get whatever offset and size the test asks for, to build damaged files.
 */
public final class TestElf {
  private final boolean is64;
  private final ByteOrder order;
  private int type = ElfSectionTable.ET_REL;
  private int machine = 62;
  private final List<Object[]> sections = new ArrayList<>();

  private TestElf(boolean is64, ByteOrder order) {
    this.is64 = is64;
    this.order = order;
  }

  public static TestElf elf64(ByteOrder order) {
    return new TestElf(true, order);
  }

  public static TestElf elf32(ByteOrder order) {
    return new TestElf(false, order);
  }

  public TestElf machine(int eMachine) {
    this.machine = eMachine;
    return this;
  }

  public TestElf type(int eType) {
    this.type = eType;
    return this;
  }

  /** A PROGBITS section holding {@code data}, placed after the previous ones. */
  public TestElf section(String name, byte[] data) {
    return section(name, data, 0);
  }

  /** A PROGBITS section holding {@code data} with {@code sh_flags} {@code flags}. */
  public TestElf section(String name, byte[] data, long flags) {
    sections.add(new Object[] {name, 1, data, null, null, flags});
    return this;
  }

  /** A section header claiming {@code offset}/{@code size}, with no bytes of its own. */
  public TestElf sectionAt(String name, int shType, long offset, long size) {
    sections.add(new Object[] {name, shType, new byte[0], offset, size, 0L});
    return this;
  }

  public byte[] build() {
    int ehsize = is64 ? 64 : 52;
    int shentsize = is64 ? 64 : 40;
    ByteArrayOutputStream strtab = new ByteArrayOutputStream();
    strtab.write(0);
    int n = sections.size() + 2; // null section, user sections, .shstrtab
    int[] nameOff = new int[n];
    long[] off = new long[n];
    long[] size = new long[n];
    int[] types = new int[n];
    long[] flags = new long[n];
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < sections.size(); i++) {
      Object[] s = sections.get(i);
      nameOff[i + 1] = addName(strtab, (String) s[0]);
      types[i + 1] = (Integer) s[1];
      flags[i + 1] = (Long) s[5];
      byte[] data = (byte[]) s[2];
      boolean placed = s[3] != null;
      off[i + 1] = placed ? (Long) s[3] : ehsize + body.size();
      size[i + 1] = placed ? (Long) s[4] : data.length;
      body.write(data, 0, data.length);
    }
    int shstr = n - 1;
    nameOff[shstr] = addName(strtab, ".shstrtab");
    types[shstr] = 3;
    off[shstr] = ehsize + body.size();
    byte[] names = strtab.toByteArray();
    size[shstr] = names.length;
    body.write(names, 0, names.length);
    while (body.size() % 8 != 0) {
      body.write(0);
    }
    long shoff = ehsize + body.size();
    ByteBuffer b = ByteBuffer.allocate((int) shoff + n * shentsize).order(order);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
    b.position(16);
    b.putShort((short) type).putShort((short) machine).putInt(1);
    if (is64) {
      b.putLong(0).putLong(0).putLong(shoff);
    } else {
      b.putInt(0).putInt(0).putInt((int) shoff);
    }
    b.putInt(0).putShort((short) ehsize).putShort((short) 0).putShort((short) 0);
    b.putShort((short) shentsize).putShort((short) n).putShort((short) shstr);
    b.position(ehsize);
    b.put(body.toByteArray());
    for (int i = 0; i < n; i++) {
      b.position((int) shoff + i * shentsize);
      b.putInt(nameOff[i]).putInt(types[i]);
      if (is64) {
        b.putLong(flags[i]).putLong(0).putLong(off[i]).putLong(size[i]);
      } else {
        b.putInt((int) flags[i]).putInt(0).putInt((int) off[i]).putInt((int) size[i]);
      }
    }
    return b.array();
  }

  private static int addName(ByteArrayOutputStream strtab, String name) {
    int at = strtab.size();
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    strtab.write(bytes, 0, bytes.length);
    strtab.write(0);
    return at;
  }

  /**
   * A gzip stream that decompresses to just over {@code bytes}: mostly zeros with a random byte
   * every KB, about 1:200, far under the 1000:1 ratio limit, so only an output cap stops it.
   */
  public static byte[] gzipExpandingBeyond(long bytes) throws java.io.IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    byte[] block = new byte[1 << 20];
    java.util.Random random = new java.util.Random(bytes);
    try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(gz, 1 << 16)) {
      for (long written = 0; written <= bytes; written += block.length) {
        for (int i = 0; i < block.length; i += 1024) {
          block[i] = (byte) random.nextInt();
        }
        out.write(block);
      }
    }
    return gz.toByteArray();
  }
}
