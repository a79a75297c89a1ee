package dev.btfscan.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a parsed blob back out, in its own byte order or the other one.
 *
 * <p>Every field of the header is rewritten field by field, the type section word by word (all
 * BTF records, including kinds sized through the layout section, are made of 32-bit words), the
 * layout entries by their u8/u8/u16 fields; strings and any bytes between sections are copied.
 * So writing in the blob's own order gives back its exact bytes, and swapping twice is the
 * identity.
 */
public final class BtfWriter {
  private BtfWriter() {}

  public static byte[] write(Btf btf) {
    return write(btf, btf.order());
  }

  public static byte[] write(Btf btf, ByteOrder order) {
    BtfHeader h = btf.header();
    byte[] src = btf.rawBytes();
    byte[] out = src.clone();
    if (order == h.order()) {
      return out;
    }
    ByteBuffer in = ByteBuffer.wrap(src).order(h.order());
    ByteBuffer o = ByteBuffer.wrap(out).order(order);
    o.putShort(0, in.getShort(0));
    // version and flags are single bytes; every other header field, including a zero tail, is u32.
    for (int p = 4; p + 4 <= h.hdrLen(); p += 4) {
      o.putInt(p, in.getInt(p));
    }
    int types = h.hdrLen() + h.typeOff();
    for (int p = types; p < types + h.typeLen(); p += 4) {
      o.putInt(p, in.getInt(p));
    }
    if (h.hasLayoutFields()) {
      int layout = h.hdrLen() + h.layoutOff();
      for (int p = layout; p + 4 <= layout + h.layoutLen(); p += 4) {
        o.putShort(p + 2, in.getShort(p + 2));
      }
    }
    return out;
  }
}
