package dev.btfscan.io.compress;

import java.io.IOException;

/**
 * A decompressed stream grew beyond its {@link DecompressionLimits}: either the absolute output
 * cap or the output/input ratio. An IOException so that it travels the same way as corrupt input
 * and ends up as a problem on the package or module rather than failing the pipeline.
 */
public final class DecompressionBombException extends IOException {
  private static final long serialVersionUID = 1L;

  public DecompressionBombException(String message) {
    super(message);
  }
}
