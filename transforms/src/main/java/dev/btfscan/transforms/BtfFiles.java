package dev.btfscan.transforms;

import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfHeader;
import dev.btfscan.elf.ElfFormatException;
import dev.btfscan.elf.ElfSectionTable;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import dev.btfscan.kernel.KernelImage;
import dev.btfscan.kernel.KernelImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The BTF in any file a user may point {@code dump} or {@code --against} at: a raw BTF blob, an
 * ELF (module or vmlinux) with a {@code .BTF} section, a compressed module, or a kernel image of
 * any format {@link KernelImage} reads. Decided by content, never by file name.
 */
public final class BtfFiles {
  private BtfFiles() {}

  /** The BTF, how it was stored, and what the file says of its release and architecture (or null). */
  public record Found(byte[] btf, String format, String release, String arch) {}

  public static Found load(byte[] file) throws IOException {
    return load(file, DecompressionCaps.DEFAULT);
  }

  /** As {@link #load(byte[])}, a compressed module or kernel decompressed no further than {@code caps}. */
  public static Found load(byte[] file, DecompressionCaps caps) throws IOException {
    if (BtfHeader.hasMagic(file, 0)) {
      try {
        BtfHeader.parse(file, 0, file.length);
        return new Found(file, "raw", null, null);
      } catch (BtfFormatException e) {
        throw new IOException("raw BTF: " + e.getMessage(), e);
      }
    }
    Compression c = Compression.detect(file);
    if (ElfSectionTable.hasMagic(file) || c != Compression.NONE && holdsRelocatableElf(file, c)) {
      try {
        ModuleImage m = ModuleImage.fromStored(file, caps.module());
        if (m.btfNotAsStored().isPresent()) {
          throw new IOException(m.btfNotAsStored().get());
        }
        if (m.btf().isPresent()) {
          String how = m.compression() == Compression.NONE ? "elf" : "elf+" + m.compression().displayName();
          return new Found(m.btf().get(), how, m.modinfo().release().orElse(null), m.machine());
        }
      } catch (ElfFormatException e) {
        // Not a module: a vmlinux ELF or a compressed kernel image, which KernelImage reads.
      }
    }
    try {
      KernelImage image = KernelImage.read(file, caps.kernel());
      return new Found(image.btf(), image.format(), image.release().orElse(null), image.arch().orElse(null));
    } catch (KernelImageException e) {
      throw new IOException("no BTF found: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a compressed file holds a module (an ELF relocatable object): decided from the first
   * bytes of its decompressed stream, so a compressed kernel image is decompressed once, by
   * {@link KernelImage}, not once here and again there.
   */
  private static boolean holdsRelocatableElf(byte[] file, Compression c) {
    try (InputStream in = Decompressors.open(new ByteArrayInputStream(file), c, DecompressionLimits.forModule())) {
      byte[] head = in.readNBytes(ELF_TYPE_OFFSET + 2);
      if (head.length < ELF_TYPE_OFFSET + 2 || !ElfSectionTable.hasMagic(head)) {
        return false;
      }
      boolean bigEndian = head[5] == 2; // EI_DATA: ELFDATA2MSB
      int type = bigEndian ? (head[ELF_TYPE_OFFSET] & 0xff) << 8 | head[ELF_TYPE_OFFSET + 1] & 0xff
          : head[ELF_TYPE_OFFSET] & 0xff | (head[ELF_TYPE_OFFSET + 1] & 0xff) << 8;
      return type == ElfSectionTable.ET_REL;
    } catch (IOException e) {
      return false; // not decodable as a module: the image reader reports what is wrong
    }
  }

  /** e_type sits at the same offset in ELF32 and ELF64 headers. */
  private static final int ELF_TYPE_OFFSET = 16;
}
