package dev.btfscan.kernel;

/**
 * A kernel image file from which no vmlinux BTF can be taken, with the reason: an unrecognised
 * format, a header field pointing outside the file, a payload that does not decompress within the
 * limits, an image without (valid) BTF. Decompression and ELF errors are kept as the cause.
 */
public class KernelImageException extends Exception {
  private static final long serialVersionUID = 1L;

  public KernelImageException(String message) {
    super(message);
  }

  public KernelImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
