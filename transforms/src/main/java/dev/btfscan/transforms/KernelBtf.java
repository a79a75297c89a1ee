package dev.btfscan.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * The raw BTF of one vmlinux, as shared with every module of its release (side input).
 *
 * @param source {@code package:path} of the image it came from, or the {@code --against} file
 * @param sha256 of {@link #btf}, hex: identifies the base in caches and reports
 * @param types its type count (void excluded) and {@code strings} its string-section length
 * @param entry the image's entry ordinal in its package, -1 for an {@code --against} file: of two
 *     images of one release in one package, the first is the package's own
 */
public record KernelBtf(String release, String source, String sha256, long types, long strings, byte[] btf, long entry) {

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
      d.writeUTF(k.release());
      d.writeUTF(k.source());
      d.writeUTF(k.sha256());
      d.writeLong(k.types());
      d.writeLong(k.strings());
      d.writeInt(k.btf().length);
      d.write(k.btf());
      d.writeLong(k.entry());
      d.flush();
    }

    @Override
    public KernelBtf decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      String release = d.readUTF();
      String source = d.readUTF();
      String sha = d.readUTF();
      long types = d.readLong();
      long strings = d.readLong();
      int n = d.readInt();
      if (n < 0) {
        throw new IOException("negative BTF length " + n);
      }
      byte[] btf = new byte[n];
      d.readFully(btf);
      return new KernelBtf(release, source, sha, types, strings, btf, d.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
