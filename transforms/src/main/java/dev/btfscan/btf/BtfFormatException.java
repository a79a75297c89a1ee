package dev.btfscan.btf;

/**
 * BTF bytes that cannot be indexed: a header or type record that does not fit, an unknown kind
 * without a layout entry to size it, an impossible length. Messages name the type id and the byte
 * offset so that a kernel engineer can find the spot with {@code xxd}.
 *
 * <p>Checked, because every caller holds untrusted bytes and must decide what the damage means for
 * its report row; semantic problems in well-framed BTF are reported by {@link BtfValidator}
 * instead.
 */
public class BtfFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public BtfFormatException(String message) {
    super(message);
  }

  public BtfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
