package dev.btfscan.transforms;

import dev.btfscan.io.util.Wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * The raw BTF of one vmlinux, as shared with every module of its release (side input).
 *
 * <p>The side input carries a vmlinux by reference: {@link #btf} is {@code null} and {@link #blob}
 * names the blob the scan already wrote with exactly those bytes. A side input is held whole by
 * every worker until the run ends, and a run may read hundreds of kernel packages; by value, each
 * added 5-6 MB (twice: once per key) to every worker's heap for the rest of the run. By reference,
 * a worker reads a vmlinux only when one of its modules needs it, and keeps it parsed in the
 * {@link BaseCache}, bounded whatever the input holds.
 *
 * @param source {@code package:path} of the image it came from, or the {@code --against} file
 * @param sha256 of the BTF bytes, hex: identifies the base in caches and reports, and is checked
 *     when the bytes are read back from {@code blob}
 * @param types its type count (void excluded) and {@code strings} its string-section length
 * @param btf the BTF bytes, or {@code null} when {@code blob} holds them
 * @param blob a Beam path to a file of exactly the BTF bytes, or {@code null} when {@code btf} holds them
 * @param entry the image's entry ordinal in its package, -1 for an {@code --against} file: of two
 *     images of one release in one package, the first is the package's own
 */
public record KernelBtf(String release, String source, String sha256, long types, long strings, byte[] btf, String blob,
    long entry) {

  public KernelBtf {
    if ((btf == null) == (blob == null)) {
      throw new IllegalArgumentException("a vmlinux BTF is either in memory or in a blob, exactly one: " + source);
    }
  }

  /** A vmlinux whose bytes are at hand. */
  public static KernelBtf inMemory(String release, String source, String sha256, long types, long strings, byte[] btf,
      long entry) {
    return new KernelBtf(release, source, sha256, types, strings, Objects.requireNonNull(btf, "btf"), null, entry);
  }

  /** The same vmlinux, by reference to {@code blob}, which must hold exactly its bytes. */
  public KernelBtf storedAt(String blob) {
    return new KernelBtf(release, source, sha256, types, strings, null, Objects.requireNonNull(blob, "blob"), entry);
  }

  /**
   * The BTF bytes: in memory, or read back from the blob and checked against {@link #sha256}
   * ({@link StoredBytes#read}, whose failure fails the run rather than any one module).
   */
  public byte[] bytes() {
    return btf != null ? btf : StoredBytes.read(blob, sha256, "the vmlinux BTF of " + source);
  }

  /** The fingerprint split modules built on this vmlinux carry: read once, at extraction. */
  public dev.btfscan.analysis.KnownKernel fingerprint() {
    return new dev.btfscan.analysis.KnownKernel(release, source, types, strings);
  }

  /** A compact, deterministic coder: no Java serialization on the wire. */
  public static final class Coder extends CustomCoder<KernelBtf> {
    private static final long serialVersionUID = 1L;
    public static final Coder INSTANCE = new Coder();

    @Override
    public void encode(KernelBtf k, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      Wire.writeString(d, k.release());
      Wire.writeString(d, k.source()); // package:path, as long as the input makes it
      Wire.writeString(d, k.sha256());
      d.writeLong(k.types());
      d.writeLong(k.strings());
      if (k.btf() != null) {
        d.writeBoolean(true);
        d.writeInt(k.btf().length);
        d.write(k.btf());
      } else {
        d.writeBoolean(false);
        Wire.writeString(d, k.blob());
      }
      d.writeLong(k.entry());
      d.flush();
    }

    @Override
    public KernelBtf decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      String release = Wire.readString(d);
      String source = Wire.readString(d);
      String sha = Wire.readString(d);
      long types = d.readLong();
      long strings = d.readLong();
      byte[] btf = null;
      String blob = null;
      if (d.readBoolean()) {
        int n = d.readInt();
        if (n < 0) {
          throw new IOException("negative BTF length " + n);
        }
        btf = new byte[n];
        d.readFully(btf);
      } else {
        blob = Wire.readString(d);
      }
      return new KernelBtf(release, source, sha, types, strings, btf, blob, d.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
