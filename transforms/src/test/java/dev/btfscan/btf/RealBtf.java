package dev.btfscan.btf;

import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSection;
import org.tukaani.xz.XZInputStream;

/** Real BTF from the committed fixtures, loaded once per JVM. */
final class RealBtf {
  static final String RELEASE = "6.1.0-53-cloud-amd64";

  private static byte[] vmlinuxBytes;
  private static Btf vmlinux;

  private RealBtf() {}

  /** The raw vmlinux BTF of {@link #RELEASE} (decompressed once; callers must not change it). */
  static synchronized byte[] vmlinuxBytes() {
    if (vmlinuxBytes == null) {
      byte[] xz = Fixtures.bytes("kernels/" + RELEASE + ".btf.xz");
      try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
        vmlinuxBytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return vmlinuxBytes;
  }

  static synchronized Btf vmlinux() {
    if (vmlinux == null) {
      try {
        vmlinux = BtfParser.parse(vmlinuxBytes());
      } catch (BtfFormatException e) {
        throw new AssertionError("fixture vmlinux BTF does not parse", e);
      }
    }
    return vmlinux;
  }

  /** The uncompressed modules of {@link #RELEASE}. */
  static List<Path> modules() {
    try (Stream<Path> s = Files.list(Fixtures.path("modules/" + RELEASE))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ko")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code .BTF} section of an ELF file. */
  static byte[] btfSection(byte[] elf) {
    ElfSection s = ElfFile.from(elf).firstSectionByName(".BTF");
    if (s == null) {
      throw new AssertionError("no .BTF section");
    }
    return s.getData();
  }

  static byte[] moduleBtf(Path ko) {
    try {
      return btfSection(Files.readAllBytes(ko));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
