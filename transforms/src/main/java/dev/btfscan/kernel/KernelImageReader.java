package dev.btfscan.kernel;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfHeader;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.elf.ElfFormatException;
import dev.btfscan.elf.ElfSection;
import dev.btfscan.elf.ElfSectionTable;
import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.WholeDecode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Recognises a kernel image by its structure and takes the BTF out. Structural magics are tried
 * before compression magics: a raw Image or bzImage starts with executable code that must not be
 * mistaken for a compressed stream, while a whole-file compressed image has nothing else at the
 * fixed offsets. At most one level of decompression is followed.
 */
final class KernelImageReader {
  private KernelImageReader() {}

  static KernelImage read(byte[] file, DecompressionLimits limits) throws KernelImageException {
    if (file.length == 0) {
      throw new KernelImageException("empty kernel image file");
    }
    if (BzImage.matches(file)) {
      return bzImage(file, limits);
    }
    if (EfiZboot.matches(file)) {
      return zboot(file, limits);
    }
    Optional<UnifiedKernelImage.Parsed> uki = UnifiedKernelImage.parse(file);
    if (uki.isPresent()) {
      return uki(uki.get(), limits);
    }
    if (SelfDecompressingImage.isElfBootWrapper(file)) {
      // the kernel it decompresses, if one is inside; else the ELF is reported as what it is
      Optional<KernelImage> inner = EmbeddedPayload.find(file, limits, new StringBuilder(),
          (c, at, kernel) -> embedded(file, SelfDecompressingImage.ELF_BOOT_WRAPPER, c, at, kernel));
      if (inner.isPresent()) {
        return inner.get();
      }
    }
    Optional<KernelImage> plain = uncompressed(file, "");
    if (plain.isPresent()) {
      return plain.get();
    }
    Compression c = Compression.detect(Arrays.copyOf(file, Math.min(file.length, Compression.MAX_MAGIC_LENGTH)));
    if (c != Compression.NONE) {
      return wholeFileCompressed(file, c, limits);
    }
    return embedded(file, limits);
  }

  /** A UKI: the kernel image in its {@code .linux} section, read as any other. */
  private static KernelImage uki(UnifiedKernelImage.Parsed u, DecompressionLimits limits) throws KernelImageException {
    String where = "UKI .linux section at " + Hex.of(u.linuxOffset());
    if (UnifiedKernelImage.matches(u.linux())) {
      throw new KernelImageException(where + " is itself a UKI, not a kernel image");
    }
    KernelImage inner;
    try {
      inner = read(u.linux(), limits);
    } catch (KernelImageException e) {
      throw new KernelImageException(where + ": " + e.getMessage(), e);
    }
    return new KernelImage("uki+" + inner.format(), inner.btf(), inner.release().or(u::uname), inner.arch().or(u::arch));
  }

  /**
   * An image whose compressed kernel sits where no header says (ARM zImage, s390, others): the
   * first compressor stream in it that decodes to a kernel ({@link EmbeddedPayload}).
   */
  private static KernelImage embedded(byte[] file, DecompressionLimits limits) throws KernelImageException {
    SelfDecompressingImage container = SelfDecompressingImage.of(file);
    StringBuilder attempts = new StringBuilder();
    Optional<KernelImage> found = EmbeddedPayload.find(file, limits, attempts,
        (c, at, kernel) -> embedded(file, container, c, at, kernel));
    if (found.isEmpty()) {
      String known = container == SelfDecompressingImage.UNKNOWN
          ? "not a bzImage (\"HdrS\" at 0x202), EFI zboot (\"zimg\" at 4), arm64/riscv Image (magic at 0x38),"
              + " ARM zImage (magic at 0x24), s390 image (\"S390EP\" at 0x10008), ELF, raw BTF, or one of the last"
              + " three compressed, and no compressed kernel found inside"
          : container.displayName() + " with no compressed kernel found inside";
      throw new KernelImageException("unrecognised kernel image (first bytes " + Hex.bytes(file, 0, 8) + "): "
          + known + (attempts.length() == 0 ? "" : " (" + attempts + ")"));
    }
    return found.get();
  }

  private static KernelImage embedded(byte[] file, SelfDecompressingImage container, Compression c, int offset,
      byte[] kernel) throws KernelImageException {
    String format = container.formatName() + "+" + Compressors.kernelName(c);
    String where = format + " payload at " + Hex.of(offset);
    if (ElfSectionTable.hasMagic(kernel)) {
      return elf(kernel, where, Optional.empty()).withFormat(format);
    }
    if (BtfHeader.hasMagic(kernel, 0)) {
      return raw(kernel, where).withFormat(format);
    }
    Optional<String> arch = RawImageHeader.arch(kernel).or(() -> container.arch(file));
    return image(kernel, where, arch).withFormat(format);
  }

  /** raw BTF, ELF, or Image; {@code suffix} is appended to the format ("" or ".gz"). */
  private static Optional<KernelImage> uncompressed(byte[] data, String suffix) throws KernelImageException {
    if (BtfHeader.hasMagic(data, 0)) {
      return Optional.of(raw(data, "raw" + suffix));
    }
    if (ElfSectionTable.hasMagic(data)) {
      return Optional.of(elf(data, "elf" + suffix, Optional.empty()));
    }
    Optional<String> arch = RawImageHeader.arch(data);
    if (arch.isPresent()) {
      return Optional.of(image(data, "Image" + suffix, arch));
    }
    return Optional.empty();
  }

  private static KernelImage bzImage(byte[] file, DecompressionLimits limits) throws KernelImageException {
    BzImage bz = BzImage.parse(file);
    String format = "bzImage+" + Compressors.kernelName(bz.compression());
    return decompress(file, bz.payloadStart(), bz.streamLength(), bz.compression(), bz.decompressedSize(), limits,
        format + " payload", vmlinux -> {
          if (!ElfSectionTable.hasMagic(vmlinux)) {
            throw new KernelImageException(format + " payload decompressed to " + Hex.of(vmlinux.length)
                + " bytes that are not a vmlinux ELF (first bytes " + Hex.bytes(vmlinux, 0, 8) + ")");
          }
          return elf(vmlinux, format, bz.setupRelease());
        });
  }

  private static KernelImage zboot(byte[] file, DecompressionLimits limits) throws KernelImageException {
    EfiZboot z = EfiZboot.parse(file);
    String format = "zboot+" + Compressors.kernelName(z.compression());
    // zboot wraps arm64, riscv and loongarch Images; the last have no header this code knows, and
    // the BTF search does not depend on it.
    return decompress(file, z.payloadStart(), z.payloadLength(), z.compression(), 0, limits, format + " payload",
        image -> image(image, format, RawImageHeader.arch(image)));
  }

  private static KernelImage wholeFileCompressed(byte[] file, Compression c, DecompressionLimits limits)
      throws KernelImageException {
    String what = Compressors.kernelName(c) + "-compressed kernel image";
    return decompress(file, 0, file.length, c, 0, limits, what, inner -> {
      Optional<KernelImage> img = uncompressed(inner, "." + Compressors.suffix(c));
      if (img.isEmpty()) {
        throw new KernelImageException(what + " decompressed to " + Hex.of(inner.length)
            + " bytes that are not an Image, ELF or raw BTF (first bytes " + Hex.bytes(inner, 0, 8) + ")");
      }
      return img.get();
    });
  }

  private static KernelImage raw(byte[] data, String format) throws KernelImageException {
    Btf btf = parse(data, 0, data.length, format);
    long size = btf.header().blobSize();
    if (size != data.length) {
      throw new KernelImageException(format + " BTF blob of " + Hex.of(size) + " bytes is followed by "
          + (data.length - size) + " unexpected bytes");
    }
    return new KernelImage(format, data.clone(), Optional.empty(), Optional.empty());
  }

  private static KernelImage elf(byte[] vmlinux, String format, Optional<String> fallbackRelease)
      throws KernelImageException {
    ElfSectionTable t;
    try {
      t = ElfSectionTable.read(vmlinux);
    } catch (ElfFormatException e) {
      throw new KernelImageException(format + ": damaged vmlinux ELF: " + e.getMessage(), e);
    }
    if (t.type() == ElfSectionTable.ET_REL) {
      throw new KernelImageException(format + ": a relocatable object (a module?), not a vmlinux");
    }
    ElfSection s = t.find(".BTF").orElseThrow(() -> new KernelImageException(
        format + ": vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)"));
    Optional<String> notAsStored = t.notAsStored(s);
    if (notAsStored.isPresent()) {
      throw new KernelImageException(format + ": vmlinux " + notAsStored.get());
    }
    if (!s.hasFileBytes()) {
      throw new KernelImageException(format + ": vmlinux .BTF section " + s.describe() + " holds no file bytes");
    }
    parse(vmlinux, (int) s.offset(), (int) s.size(), format + " .BTF section");
    Optional<String> release = LinuxBanner.release(vmlinux).or(() -> fallbackRelease);
    return new KernelImage(format, t.bytes(s), release, Optional.of(t.machineName()));
  }

  private static KernelImage image(byte[] image, String format, Optional<String> arch) throws KernelImageException {
    BtfLocator.Located at = BtfLocator.largest(image).orElseThrow(() -> new KernelImageException(
        format + ": no valid BTF blob in " + Hex.of(image.length) + " bytes (no BTF magic starts a blob whose"
            + " header, types and strings check out; kernel built without CONFIG_DEBUG_INFO_BTF?)"));
    byte[] btf = Arrays.copyOfRange(image, at.offset(), at.offset() + at.length());
    return new KernelImage(format, btf, LinuxBanner.release(image), arch);
  }

  /**
   * Parses a blob that must be a kernel's own BTF: framing as {@link BtfParser} checks it, and a
   * base blob's string section (starting with the empty string). Module BTF is split and its
   * strings do not start with NUL, so /sys/kernel/btf/&lt;module&gt; is not taken for a kernel.
   */
  private static Btf parse(byte[] data, int offset, int length, String what) throws KernelImageException {
    Btf btf;
    try {
      btf = BtfParser.parse(data, offset, length, null);
    } catch (BtfFormatException e) {
      throw new KernelImageException(what + " is not valid BTF: " + e.getMessage(), e);
    }
    if (btf.stringsLength() == 0 || btf.stringByte(0) != 0) {
      throw new KernelImageException(what + " is split BTF (its string section does not start with NUL):"
          + " a module's BTF, not a kernel's");
    }
    return btf;
  }

  /**
   * The kernel that {@code read} finds in the payload at {@code src[offset]}, decompressed into an
   * array counted in {@code DecodedBytes} while {@code read} runs ({@link WholeDecode}): a vmlinux
   * is 35-100 MB, and the result must not keep it.
   */
  private static KernelImage decompress(byte[] src, int offset, int length, Compression c, long hint,
      DecompressionLimits limits, String what, WholeDecode.Use<KernelImage, KernelImageException> read)
      throws KernelImageException {
    try {
      return WholeDecode.file(src, offset, length, c, hint, limits, read);
    } catch (InterruptedIOException e) {
      throw new UncheckedIOException(e); // the worker is stopping: no verdict on the image
    } catch (IOException e) {
      throw new KernelImageException("cannot decompress " + what + ": " + e.getMessage(), e);
    }
  }
}
