package dev.btfscan.kernel;

/** Formatting for messages: offsets in hex like {@code xxd} shows them, leading bytes as hex pairs. */
final class Hex {
  private Hex() {}

  static String of(long value) {
    return "0x" + Long.toHexString(value);
  }

  /** Up to {@code count} bytes from {@code from}, as "4d 5a 90 00"; "none" when there are none. */
  static String bytes(byte[] data, int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = Math.max(0, from); i < Math.min(data.length, from + count); i++) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", data[i] & 0xff));
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }
}
