package dev.btfscan.testing;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSection;
import org.tukaani.xz.XZInputStream;

/**
 * The committed real Debian BTF, loaded once per test JVM: vmlinux BTF of 6.1.0-47 and -53
 * (cloud-amd64) and the .BTF of fixture modules. Tests copy nothing: Btf is read-only.
 */
public final class RealBtf {
  public static final String R53 = "6.1.0-53-cloud-amd64";
  public static final String R47 = "6.1.0-47-cloud-amd64";

  private static final Map<String, Btf> VMLINUX = new ConcurrentHashMap<>();

  private RealBtf() {}

  /** The raw vmlinux BTF of {@code release} (from fixtures/data/kernels/RELEASE.btf.xz). */
  public static byte[] vmlinuxBytes(String release) {
    try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(Fixtures.bytes("kernels/" + release + ".btf.xz")))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Btf vmlinux(String release) {
    return VMLINUX.computeIfAbsent(release, r -> {
      try {
        return BtfParser.parse(vmlinuxBytes(r));
      } catch (BtfFormatException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The .BTF section of an (uncompressed) fixture module, or null when it has none. */
  public static byte[] moduleBtf(String fixture) {
    ElfSection s = ElfFile.from(Fixtures.bytes(fixture)).firstSectionByName(".BTF");
    return s == null ? null : s.getData();
  }

  /** A fixture module's BTF split on the vmlinux of {@code release}. */
  public static Btf module(String fixture, String release) throws BtfFormatException {
    return BtfParser.parse(moduleBtf(fixture), vmlinux(release));
  }
}
