package dev.btfscan.kernel;

import dev.btfscan.io.compress.DecompressionLimits;
import java.util.Optional;

/**
 * The vmlinux BTF taken from a kernel image file, with what the image says about itself.
 *
 * <p>Formats ({@link #format()}):
 * <ul>
 *   <li>{@code bzImage+<compressor>}: x86 bzImage; the compressor as the kernel's Kconfig names it
 *       (gzip, bzip2, lzma, xz, lzo, lz4, zstd); the payload is the vmlinux ELF.
 *   <li>{@code zboot+<compressor>}: EFI zboot (arm64, riscv, loongarch) around a compressed Image.
 *   <li>{@code Image}: raw arm64/riscv Image; BTF found by {@link BtfLocator}.
 *   <li>{@code elf}: a vmlinux ELF; its {@code .BTF} section.
 *   <li>{@code raw}: the file is itself a BTF blob, like {@code /sys/kernel/btf/vmlinux}.
 *   <li>{@code <inner>.<suffix>}: one of the last three compressed as a whole file, e.g.
 *       {@code Image.gz}, {@code elf.xz}, {@code raw.zst}.
 *   <li>{@code zImage+<compressor>}, {@code s390+<compressor>}, {@code embedded+<compressor>}: an
 *       ARM zImage, an s390 image, or an unknown container, whose compressed kernel (an ELF, raw
 *       BTF or a flat binary) was found by its stream's magic ({@link EmbeddedPayload}).
 *   <li>{@code uki+<inner>}: a Unified Kernel Image whose {@code .linux} section holds a kernel
 *       image of format {@code <inner>}, e.g. {@code uki+bzImage+zstd} ({@link UnifiedKernelImage}).
 * </ul>
 *
 * <p>The BTF returned always passes the BTF header and type-section checks of
 * {@link dev.btfscan.btf.BtfParser}; deeper validation is the validator's job.
 */
public final class KernelImage {
  private final String format;
  private final byte[] btf;
  private final String release;
  private final String arch;

  KernelImage(String format, byte[] btf, Optional<String> release, Optional<String> arch) {
    this.format = format;
    this.btf = btf;
    this.release = release.orElse(null);
    this.arch = arch.orElse(null);
  }

  /** The same BTF, release and arch under another format name. */
  KernelImage withFormat(String otherFormat) {
    return new KernelImage(otherFormat, btf, Optional.ofNullable(release), Optional.ofNullable(arch));
  }

  /** Reads an image with {@link DecompressionLimits#forKernel()} (128 MiB output cap). */
  public static KernelImage read(byte[] file) throws KernelImageException {
    return read(file, DecompressionLimits.forKernel());
  }

  /**
   * Reads an image; the file's bytes are not kept. Decompression output is bounded by
   * {@code limits}; a bzImage's decompressed vmlinux is held once, while its BTF is taken out.
   */
  public static KernelImage read(byte[] file, DecompressionLimits limits) throws KernelImageException {
    return KernelImageReader.read(file, limits);
  }

  /** How the BTF was found, see the class comment. */
  public String format() {
    return format;
  }

  /** The vmlinux BTF blob, exactly as stored in the image. Shared: do not modify. */
  public byte[] btf() {
    return btf;
  }

  /** The release from the "Linux version ..." banner (or a bzImage's setup header), if found. */
  public Optional<String> release() {
    return Optional.ofNullable(release);
  }

  /** The architecture as {@code uname -m} names it, when the format tells (not for raw BTF). */
  public Optional<String> arch() {
    return Optional.ofNullable(arch);
  }

  @Override
  public String toString() {
    return "KernelImage{" + format + ", btf " + btf.length + " bytes, release " + release + ", arch " + arch + "}";
  }
}
