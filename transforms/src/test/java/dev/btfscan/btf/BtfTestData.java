package dev.btfscan.btf;

import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSection;
import org.tukaani.xz.XZInputStream;

/**
 * The committed real BTF, loaded once per test JVM: vmlinux BTF of Debian kernels (xz) and the
 * {@code .BTF} sections of their modules with the dumps bpftool 7.1 printed for them.
 *
 * <p>The module section is found with jelf until the project's own ELF reader lands on main.
 */
final class BtfTestData {
  static final String RELEASE_53 = "6.1.0-53-cloud-amd64";
  static final String RELEASE_47 = "6.1.0-47-cloud-amd64";

  private static final Map<String, byte[]> VMLINUX = new ConcurrentHashMap<>();

  private BtfTestData() {}

  /** The raw vmlinux BTF of a release, decompressed once. */
  static byte[] vmlinuxBytes(String release) {
    return VMLINUX.computeIfAbsent(release, r -> {
      byte[] xz = Fixtures.bytes("kernels/" + r + ".btf.xz");
      try (InputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("decompressing vmlinux BTF of " + r, e);
      }
    });
  }

  static Btf vmlinux(String release) throws BtfFormatException {
    return BtfParser.parse(vmlinuxBytes(release));
  }

  /** The modules committed for a release, as paths relative to the fixtures directory. */
  static List<String> modules(String release) {
    Path dir = Fixtures.path("modules/" + release);
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".ko"))
          .sorted()
          .map(n -> "modules/" + release + "/" + n)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of the {@code .BTF} section of an ELF fixture. */
  static byte[] btfSection(String elfFixture) {
    ElfFile elf = ElfFile.from(Fixtures.bytes(elfFixture));
    ElfSection section = elf.firstSectionByName(".BTF");
    if (section == null) {
      throw new IllegalStateException(elfFixture + " has no .BTF section");
    }
    return section.getData();
  }

  /** A committed text fixture (a bpftool dump). */
  static String text(String fixture) {
    return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
  }

  /** A text resource of this module's tests, under {@code src/test/resources}. */
  static String resource(String name) {
    try (InputStream in = BtfTestData.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
