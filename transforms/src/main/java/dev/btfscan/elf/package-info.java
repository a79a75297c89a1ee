/**
 * Reading kernel modules as ELF: {@link dev.btfscan.elf.ElfSectionTable} checks the ELF header
 * and section table of untrusted bytes (ELF32/ELF64, both byte orders) and slices sections out;
 * {@link dev.btfscan.elf.ModuleImage} gives a module's class, byte order, machine, {@code .BTF},
 * {@code .BTF.base} and {@link dev.btfscan.elf.ModInfo}. Damage is reported as the checked
 * {@link dev.btfscan.elf.ElfFormatException}, never as an unchecked exception.
 */
package dev.btfscan.elf;
