package dev.btfscan.io;

import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.io.util.Wire;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/** Deterministic field-by-field encoding of {@link KernelFile}; a version byte leads. */
public final class KernelFileCoder extends CustomCoder<KernelFile> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 3;
  private static final KernelFileCoder INSTANCE = new KernelFileCoder();

  public static KernelFileCoder of() {
    return INSTANCE;
  }

  /** Lets {@code @DefaultCoder} on {@link KernelFile} register this coder. */
  public static CoderProvider getCoderProvider() {
    return CoderProviders.forCoder(TypeDescriptor.of(KernelFile.class), INSTANCE);
  }

  @Override
  public void encode(KernelFile value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeByte(VERSION);
    Wire.writeString(out, value.packageName());
    Wire.writeString(out, value.path());
    Wire.writeString(out, value.rawName());
    Wire.writeString(out, value.kind().name());
    Wire.writeString(out, value.release());
    Wire.writeString(out, value.unsafeReason());
    out.writeLong(value.size());
    out.writeBoolean(value.isDuplicate());
    Wire.writeBytes(out, value.bytes());
    Wire.writeStrings(out, value.problems());
    out.writeLong(value.entry());
    out.writeBoolean(value.isDigest());
    out.flush();
  }

  @Override
  public KernelFile decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new CoderException("unknown KernelFile encoding version " + version);
    }
    String packageName = Wire.readString(in);
    String path = Wire.readString(in);
    String rawName = Wire.readString(in);
    KernelFileKind kind = KernelFileKind.valueOf(Wire.readString(in));
    String release = Wire.readString(in);
    String unsafe = Wire.readString(in);
    long size = in.readLong();
    boolean duplicate = in.readBoolean();
    byte[] bytes = Wire.readBytes(in);
    List<String> problems = Wire.readStrings(in);
    long entry = in.readLong();
    return KernelFile.decoded(packageName, path, rawName, kind, release, unsafe, size, duplicate, bytes, problems, entry,
        in.readBoolean());
  }

  @Override
  public void verifyDeterministic() {
    // every field is written in a fixed order with a fixed-width or length-prefixed encoding
  }

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
