package dev.btfscan.kernel;

import com.github.luben.zstd.ZstdOutputStream;
import dev.btfscan.btf.BtfBuilder;
import dev.btfscan.elf.TestElf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZOutputStream;

/** Builds kernel images for tests the way the kernel build lays them out. */
final class TestImages {
  private TestImages() {}

  /** A standalone BTF blob with {@code ints} INT types, so blobs of different sizes can be made. */
  static byte[] btf(ByteOrder order, int ints) {
    BtfBuilder b = new BtfBuilder(null);
    for (int i = 0; i < ints; i++) {
      int name = b.addString("int" + i);
      b.addType(new int[] {name, 1 << 24, 4, (1 << 24) | 32});
    }
    return b.build(order);
  }

  /** An x86_64 vmlinux ELF with {@code .BTF} and, unless null, a {@code .rodata} holding {@code banner}. */
  static byte[] vmlinux(byte[] btf, String banner) {
    TestElf elf = TestElf.elf64(ByteOrder.LITTLE_ENDIAN).type(2).machine(62);
    if (banner != null) {
      elf.section(".rodata", ("\0\0%s version %s\0" + banner + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    return elf.section(".BTF", btf).build();
  }

  /** The kernel's Makefile.lib compressors: gzip alone, the others followed by size_append. */
  static byte[] kernelPayload(String compressor, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = compressorStream(compressor, out)) {
      o.write(data);
    }
    if (!compressor.equals("gzip")) {
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
    }
    return out.toByteArray();
  }

  static OutputStream compressorStream(String compressor, OutputStream out) throws IOException {
    switch (compressor) {
      case "gzip":
        return new GZIPOutputStream(out);
      case "xz":
        // As xz_wrap.sh: the x86 BCJ filter in front of LZMA2.
        return new XZOutputStream(out, new FilterOptions[] {new X86Options(), new LZMA2Options()});
      case "zstd":
        return new ZstdOutputStream(out);
      default:
        throw new IllegalArgumentException(compressor);
    }
  }

  /**
   * A bzImage: setup sectors with the boot protocol header, then {@code payload} at
   * {@code payloadOffset} into the protected-mode part.
   */
  static byte[] bzImage(int setupSectsField, byte[] payload, String setupVersionString) {
    int setupSects = setupSectsField == 0 ? 4 : setupSectsField;
    int base = (setupSects + 1) * 512;
    int payloadOffset = 0x100;
    ByteBuffer b = ByteBuffer.allocate(base + payloadOffset + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0x1f1, (byte) setupSectsField);
    b.put(0x202, (byte) 'H').put(0x203, (byte) 'd').put(0x204, (byte) 'r').put(0x205, (byte) 'S');
    b.putShort(0x206, (short) 0x20f);
    if (setupVersionString != null) {
      int at = 0x400;
      b.putShort(0x20e, (short) (at - 0x200));
      b.position(at);
      b.put((setupVersionString + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    b.putInt(0x248, payloadOffset);
    b.putInt(0x24c, payload.length);
    b.position(base + payloadOffset);
    b.put(payload);
    return b.array();
  }

  /** An arm64 raw Image header (64 bytes) followed by {@code body}. */
  static byte[] arm64Image(byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(64 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z');
    b.putLong(16, 64 + body.length);
    b.put(0x38, (byte) 'A').put(0x39, (byte) 'R').put(0x3a, (byte) 'M').put(0x3b, (byte) 0x64);
    b.position(64);
    b.put(body);
    return b.array();
  }

  /**
   * An EFI zboot image whose header names {@code type}, holding {@code payload} as
   * {@link #kernelPayload} makes it; as in zboot-header.S, the size field leaves out the size
   * trailer that follows non-gzip streams.
   */
  static byte[] zboot(String type, byte[] payload) {
    int start = 0x200;
    int streamLength = payload[0] == 0x1f ? payload.length : payload.length - 4;
    ByteBuffer b = ByteBuffer.allocate(start + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'M', 'Z', 0, 0, 'z', 'i', 'm', 'g'});
    b.putInt(8, start).putInt(12, streamLength);
    b.position(0x18);
    b.put(type.getBytes(StandardCharsets.US_ASCII));
    b.position(start);
    b.put(payload);
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
