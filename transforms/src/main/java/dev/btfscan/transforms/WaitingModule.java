package dev.btfscan.transforms;

import dev.btfscan.io.KernelFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A module that waits for the vmlinux of every package (its own package did not decide it), with
 * its bytes in a scratch file meanwhile and only a reference in the pipeline. On the DirectRunner
 * such modules wait in memory until every package is read, and a distro scan has thousands of
 * them (Fedora ships its modules in packages apart from its vmlinuz; DKMS and vendor packages have
 * none): their bytes, BTF-sized after slimming, would add up to gigabytes.
 */
final class WaitingModule {
  /** The scratch directory under OUT's staging directory; deleted before OUT is committed. */
  static final String SCRATCH = ".waiting";
  /**
   * Smaller modules wait in memory: a file each would cost more than they do, and what any module
   * waits with (its path, names, problems) is a few hundred bytes anyway. Of Debian's 4023 amd64
   * modules 1245 are under 2 KB slimmed, 1.1 MB in all; 3131 are under 16 KB, 14 MB.
   */
  static final int MIN_BYTES = 2 << 10;
  private static final int VERSION = 3;
  private static final Counter STORED = Metrics.counter(AnalyzeModuleFn.class, "modules-waiting-on-disk");

  private WaitingModule() {}

  /** Stores a module's bytes in the scratch directory; its digest says where (null: too small to store). */
  static SerializableFunction<KernelFile, byte[]> digester(BlobWriter blobs) {
    return module -> module.bytes().length < MIN_BYTES ? null : store(module, blobs);
  }

  private static byte[] store(KernelFile module, BlobWriter blobs) {
    // Named by package and entry ordinal, unique in a run: a retried read rewrites the same file.
    String name = SCRATCH + "/" + Sha256.hex((module.packageName() + '\0' + module.entry())
        .getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".ko";
    String path = blobs.write(name, module.bytes());
    STORED.inc();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(path);
      out.writeInt(StoredBytes.crc32c(module.bytes()));
      out.writeInt(module.bytes().length);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
  }

  /** The module as the reader read it, its bytes back from the scratch file and checked. */
  static KernelFile restore(KernelFile digested) {
    String path;
    int crc32c;
    int length;
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(digested.bytes()));
      if (in.readUnsignedByte() != VERSION) {
        throw new IOException("unknown version");
      }
      path = in.readUTF();
      crc32c = in.readInt();
      length = in.readInt();
    } catch (IOException e) {
      throw new IllegalStateException("damaged digest of waiting module " + digested, e);
    }
    byte[] read = StoredBytes.read(path, length, crc32c,
        "the waiting module " + digested.packageName() + ":" + digested.path());
    return digested.withBytes(read);
  }
}
