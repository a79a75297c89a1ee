package dev.btfscan.elf;

import java.nio.ByteOrder;

/**
 * Names an ELF {@code e_machine} the way {@code uname -m} names the running kernel's machine, so
 * that reports can be matched against what users see on their systems.
 *
 * <p>Some names depend on more than {@code e_machine}: s390x vs s390 and mips64 vs mips on the ELF
 * class, ppc64le vs ppc64 and aarch64_be on the byte order. 32-bit x86 is reported as "i686" (what
 * a 32-bit x86 kernel on any CPU of the last two decades reports) and 32-bit ARM as "arm" (uname
 * adds the CPU's architecture version, which the ELF header does not carry).
 */
public final class ElfMachine {
  private ElfMachine() {}

  /** The uname-style name, or "em-&lt;number&gt;" for machines without one here. */
  public static String name(int eMachine, int elfClass, ByteOrder order) {
    boolean is64 = elfClass == 64;
    boolean little = order == ByteOrder.LITTLE_ENDIAN;
    switch (eMachine) {
      case 2:
        return "sparc";
      case 3:
        return "i686";
      case 4:
        return "m68k";
      case 8:
        return is64 ? "mips64" : "mips";
      case 15:
        return is64 ? "parisc64" : "parisc";
      case 20:
        return "ppc";
      case 21:
        return little ? "ppc64le" : "ppc64";
      case 22:
        return is64 ? "s390x" : "s390";
      case 40:
        return "arm";
      case 42:
        return "sh";
      case 43:
        return "sparc64";
      case 50:
        return "ia64";
      case 62:
        return "x86_64";
      case 183:
        return little ? "aarch64" : "aarch64_be";
      case 243:
        return is64 ? "riscv64" : "riscv32";
      case 258:
        return "loongarch64";
      case 0x9026:
        return "alpha";
      default:
        return "em-" + eMachine;
    }
  }
}
