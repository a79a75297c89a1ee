package dev.btfscan.elf;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.WholeDecode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * What btf-scan needs from one kernel module ({@code .ko}): its ELF class, byte order and machine,
 * the raw bytes of {@code .BTF} and {@code .BTF.base} (distilled base, kernel 6.11+ out-of-tree
 * builds), and {@code .modinfo}.
 *
 * <p>The BTF bytes are extracted, not checked: a module whose BTF is damaged must still reach the
 * BTF validator so that the report says what is wrong with it. Only the ELF framing is checked
 * here (see {@link ElfSectionTable}).
 */
public final class ModuleImage {
  private final Compression compression;
  private final int elfClass;
  private final ByteOrder order;
  private final String machine;
  private final byte[] btf;
  private final byte[] btfBase;
  private final ModInfo modinfo;
  private final String btfNotAsStored;

  private ModuleImage(
      Compression compression, int elfClass, ByteOrder order, String machine, byte[] btf, byte[] btfBase,
      ModInfo modinfo, String btfNotAsStored) {
    this.compression = compression;
    this.elfClass = elfClass;
    this.order = order;
    this.machine = machine;
    this.btf = btf;
    this.btfBase = btfBase;
    this.modinfo = modinfo;
    this.btfNotAsStored = btfNotAsStored;
  }

  /** Reads a module that is already decompressed. The array is not kept. */
  public static ModuleImage from(byte[] elf) throws ElfFormatException {
    return from(elf, Compression.NONE);
  }

  /**
   * Reads a module as stored in a package ({@code .ko}, {@code .ko.xz}, {@code .ko.zst},
   * {@code .ko.gz}). The compression is detected by magic, never by file name: Debian ships plain
   * {@code .ko}, Fedora {@code .ko.xz}, and a renamed file must not fool the reader.
   *
   * @throws IOException the compressed stream is corrupt or decompresses beyond
   *     {@link DecompressionLimits#forModule()}, or the wait for memory to decompress it into was
   *     interrupted
   */
  public static ModuleImage fromStored(byte[] stored) throws IOException, ElfFormatException {
    return fromStored(stored, DecompressionLimits.forModule());
  }

  /** As {@link #fromStored(byte[])}, with explicit limits. */
  public static ModuleImage fromStored(byte[] stored, DecompressionLimits limits)
      throws IOException, ElfFormatException {
    Compression c = Compression.detect(Arrays.copyOf(stored, Math.min(stored.length, Compression.MAX_MAGIC_LENGTH)));
    if (c == Compression.NONE) {
      return from(stored, c);
    }
    try {
      // decompressed into one array of the module's size, counted in DecodedBytes while it is read
      return WholeDecode.file(stored, 0, stored.length, c, 0, limits, elf -> from(elf, c));
    } catch (DecompressionBombException | InterruptedIOException e) {
      throw e; // a bomb's message names the compressor, the ratio and the sizes already
    } catch (IOException e) {
      throw new IOException(c.displayName() + " module does not decompress: " + reason(e), e);
    }
  }

  /**
   * The decoder's reason. A decoder's bare EOFException means its data ran out inside a stream:
   * the stream is cut, or bytes after it begin another that never completes.
   */
  private static String reason(IOException e) {
    if (e instanceof java.io.EOFException) {
      return "unexpected end of the compressed data" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static ModuleImage from(byte[] elf, Compression compression) throws ElfFormatException {
    ElfSectionTable t = ElfSectionTable.read(elf);
    if (t.type() != ElfSectionTable.ET_REL) {
      throw new ElfFormatException(
          "not a kernel module: e_type " + t.type() + ", modules are relocatable objects (ET_REL, 1)");
    }
    return new ModuleImage(
        compression,
        t.elfClass(),
        t.order(),
        t.machineName(),
        t.bytes(".BTF").orElse(null),
        t.bytes(".BTF.base").orElse(null),
        t.bytes(".modinfo").map(ModInfo::parse).orElse(ModInfo.empty()),
        notAsStored(t, ".BTF").or(() -> notAsStored(t, ".BTF.base")).orElse(null));
  }

  private static Optional<String> notAsStored(ElfSectionTable t, String name) {
    return t.find(name).flatMap(t::notAsStored);
  }

  /** How the module was stored: {@link Compression#NONE} for plain {@code .ko}. */
  public Compression compression() {
    return compression;
  }

  /** 32 or 64. */
  public int elfClass() {
    return elfClass;
  }

  public ByteOrder order() {
    return order;
  }

  /** The machine as {@code uname -m} names it: "x86_64", "aarch64", "s390x", ... */
  public String machine() {
    return machine;
  }

  /** The {@code .BTF} section's bytes, the module's split BTF. Shared: do not modify. */
  public Optional<byte[]> btf() {
    return Optional.ofNullable(btf);
  }

  /** The {@code .BTF.base} section's bytes (distilled base), when the module has one. Shared. */
  public Optional<byte[]> btfBase() {
    return Optional.ofNullable(btfBase);
  }

  /**
   * Why {@code .BTF} or {@code .BTF.base} cannot be used as the file stores it (compressed, or
   * without file bytes), when that is so: the kernel loads a module's BTF from the section as it
   * is, so such a module's BTF is unusable whatever the bytes would decompress to.
   */
  public Optional<String> btfNotAsStored() {
    return Optional.ofNullable(btfNotAsStored);
  }

  public ModInfo modinfo() {
    return modinfo;
  }
}
