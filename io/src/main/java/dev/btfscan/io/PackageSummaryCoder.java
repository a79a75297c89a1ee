package dev.btfscan.io;

import dev.btfscan.io.util.Wire;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/** Deterministic field-by-field encoding of {@link PackageSummary}; a version byte leads. */
public final class PackageSummaryCoder extends CustomCoder<PackageSummary> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;
  private static final PackageSummaryCoder INSTANCE = new PackageSummaryCoder();

  public static PackageSummaryCoder of() {
    return INSTANCE;
  }

  /** Lets {@code @DefaultCoder} on {@link PackageSummary} register this coder. */
  public static CoderProvider getCoderProvider() {
    return CoderProviders.forCoder(TypeDescriptor.of(PackageSummary.class), INSTANCE);
  }

  @Override
  public void encode(PackageSummary value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeByte(VERSION);
    Wire.writeString(out, value.packageName());
    Wire.writeString(out, value.location());
    Wire.writeString(out, value.format());
    out.writeLong(value.entriesSeen());
    out.writeLong(value.modulesSeen());
    out.writeLong(value.kernelImagesSeen());
    Wire.writeStrings(out, value.problems());
    out.flush();
  }

  @Override
  public PackageSummary decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new CoderException("unknown PackageSummary encoding version " + version);
    }
    String name = Wire.readString(in);
    String location = Wire.readString(in);
    String format = Wire.readString(in);
    long entries = in.readLong();
    long modules = in.readLong();
    long images = in.readLong();
    return new PackageSummary(name, location, format, entries, modules, images, Wire.readStrings(in));
  }

  @Override
  public void verifyDeterministic() {
    // fixed field order, fixed-width or length-prefixed encodings
  }

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
