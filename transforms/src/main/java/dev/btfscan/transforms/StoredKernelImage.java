package dev.btfscan.transforms;

import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.util.Wire;
import dev.btfscan.report.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A kernel image once its work is done: the vmlinux BTF written as a blob, its {@code
 * kernels.jsonl} row, and the reference to the blob modules are matched against. Small, so it is
 * what the package reader sends on instead of the image ({@link #digester}): an image is
 * megabytes, and on the DirectRunner what a reader emits waits until every package is read.
 *
 * @param row the {@code kernels.jsonl} line
 * @param hasBtf whether the image yielded BTF at all
 * @param withoutBtf for an image of a known release without BTF, what its modules are told, or
 *     {@code null}
 * @param matchable the vmlinux modules can be matched with (a blob reference), or {@code null}
 */
record StoredKernelImage(String row, boolean hasBtf, WithoutBtf withoutBtf, KernelBtf matchable) {
  private static final int VERSION = 3;

  /**
   * An image of {@code release} that gave no BTF: {@code where} says where it is and why, for the
   * modules of that release that find no vmlinux ({@link ScanTags#KERNEL_WITHOUT_BTF}).
   */
  record WithoutBtf(String release, String where) {}

  /** Extracts the image's BTF ({@link KernelImageBtf}), writes it as a blob and keeps a reference. */
  static StoredKernelImage of(KernelFile image, BlobWriter blobs, DecompressionCaps caps) {
    KernelImageBtf x = KernelImageBtf.extract(image, caps);
    String stored = x.kernel() == null ? null : blobs.write(x.blobPath(), x.kernel().btf());
    KernelBtf matchable = x.matchable();
    // By reference to the blob just written: see KernelBtf for why the side input holds no bytes.
    return new StoredKernelImage(Json.line(x.row()), x.kernel() != null, x.withoutBtf(),
        matchable == null ? null : matchable.storedAt(stored));
  }

  /** The reader's digest of an image: the image's work done there, its outcome encoded. */
  static SerializableFunction<KernelFile, byte[]> digester(BlobWriter blobs, DecompressionCaps caps) {
    return image -> of(image, blobs, caps).encode();
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      Wire.writeString(out, row);
      out.writeBoolean(hasBtf);
      out.writeBoolean(withoutBtf != null);
      if (withoutBtf != null) {
        Wire.writeString(out, withoutBtf.release());
        Wire.writeString(out, withoutBtf.where());
      }
      out.writeBoolean(matchable != null);
      if (matchable != null) {
        KernelBtf.Coder.INSTANCE.encode(matchable, out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
  }

  /** The outcome of an image the reader digested: what {@link #of} gave there. */
  static StoredKernelImage decode(byte[] digest) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(digest));
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("unknown kernel image digest version " + version);
      }
      String row = Wire.readString(in);
      boolean hasBtf = in.readBoolean();
      WithoutBtf withoutBtf = in.readBoolean() ? new WithoutBtf(Wire.readString(in), Wire.readString(in)) : null;
      KernelBtf matchable = in.readBoolean() ? KernelBtf.Coder.INSTANCE.decode(in) : null;
      return new StoredKernelImage(row, hasBtf, withoutBtf, matchable);
    } catch (IOException e) {
      // Digests are the reader's own: a bad one is a bug or a mismatched worker, never input.
      throw new IllegalStateException("damaged kernel image digest", e);
    }
  }
}
