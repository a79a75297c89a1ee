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

  static final String OLDER = "6.1.0-47-cloud-amd64";

  private static final java.util.Map<String, Btf> VMLINUX = new java.util.HashMap<>();

  private RealBtf() {}

  /** The raw vmlinux BTF of a release (decompressed on each call). */
  static byte[] vmlinuxBytes(String release) {
    byte[] xz = Fixtures.bytes("kernels/" + release + ".btf.xz");
    try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The parsed vmlinux BTF of {@link #RELEASE}, shared: callers must not change its bytes. */
  static Btf vmlinux() {
    return vmlinux(RELEASE);
  }

  /** The parsed vmlinux BTF of a release, loaded once per JVM. */
  static synchronized Btf vmlinux(String release) {
    Btf b = VMLINUX.get(release);
    if (b == null) {
      try {
        b = BtfParser.parse(vmlinuxBytes(release));
      } catch (BtfFormatException e) {
        throw new AssertionError("fixture vmlinux BTF of " + release + " does not parse", e);
      }
      VMLINUX.put(release, b);
    }
    return b;
  }

  /** The uncompressed modules of {@link #RELEASE}. */
  static List<Path> modules() {
    return modules(RELEASE);
  }

  /** The uncompressed modules of a release. */
  static List<Path> modules(String release) {
    try (Stream<Path> s = Files.list(Fixtures.path("modules/" + release))) {
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
