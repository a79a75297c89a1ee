package dev.btfscan.testing;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.elf.ElfFormatException;
import dev.btfscan.elf.ModuleImage;
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
import org.tukaani.xz.XZInputStream;

/**
 * The committed real Debian BTF, loaded once per test JVM: vmlinux BTF of 6.1.0-47 and -53
 * (cloud-amd64, {@code fixtures/data/kernels/RELEASE.btf.xz}), the {@code .BTF} sections of the
 * committed modules (extracted with the product's own {@link ModuleImage}), and the text files
 * (bpftool dumps) committed next to them.
 */
public final class RealBtf {
  public static final String R53 = "6.1.0-53-cloud-amd64";
  public static final String R47 = "6.1.0-47-cloud-amd64";

  /** Decompressed vmlinux BTF per release; handed out as copies. */
  private static final Map<String, byte[]> VMLINUX_BYTES = new ConcurrentHashMap<>();

  /** Parsed vmlinux BTF per release; shared (Btf is read-only). */
  private static final Map<String, Btf> VMLINUX = new ConcurrentHashMap<>();

  private RealBtf() {}

  /** The raw vmlinux BTF of {@code release}: a fresh copy the caller may change. */
  public static byte[] vmlinuxBytes(String release) {
    return decompressedVmlinux(release).clone();
  }

  private static byte[] decompressedVmlinux(String release) {
    return VMLINUX_BYTES.computeIfAbsent(release, r -> {
      byte[] xz = Fixtures.bytes("kernels/" + r + ".btf.xz");
      try (InputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("decompressing vmlinux BTF of " + r, e);
      }
    });
  }

  /** The parsed vmlinux BTF of {@code release}, parsed once per JVM and shared. */
  public static Btf vmlinux(String release) {
    return VMLINUX.computeIfAbsent(release, r -> {
      try {
        return BtfParser.parse(decompressedVmlinux(r).clone());
      } catch (BtfFormatException e) {
        throw new AssertionError("fixture vmlinux BTF of " + r + " does not parse", e);
      }
    });
  }

  /**
   * The uncompressed modules committed for {@code release}, sorted, as fixture paths
   * ({@code modules/RELEASE/NAME.ko}, relative to the fixtures directory).
   */
  public static List<String> modules(String release) {
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

  /**
   * The bytes of the {@code .BTF} section of an (uncompressed) ELF module fixture, as
   * {@link ModuleImage} extracts them.
   *
   * @throws IllegalStateException the fixture has no {@code .BTF} section or is no module
   */
  public static byte[] moduleBtf(String fixture) {
    try {
      return ModuleImage.from(Fixtures.bytes(fixture)).btf()
          .orElseThrow(() -> new IllegalStateException(fixture + " has no .BTF section"));
    } catch (ElfFormatException e) {
      throw new IllegalStateException(fixture + " is not a readable module", e);
    }
  }

  /** A fixture module's BTF split on the vmlinux of {@code release}. */
  public static Btf module(String fixture, String release) throws BtfFormatException {
    return BtfParser.parse(moduleBtf(fixture), vmlinux(release));
  }

  /** A committed text fixture (a bpftool dump), UTF-8. */
  public static String fixtureText(String fixture) {
    return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
  }

  /** A text resource of this module's tests, under {@code src/test/resources}, UTF-8. */
  public static String resourceText(String name) {
    try (InputStream in = RealBtf.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
