package dev.btfscan.io.compress;

import java.io.Serializable;

/**
 * How large a compressed module or kernel image of a scan may decompress to ({@code
 * --max-decompressed-bytes}); beyond it, the file's row says it is a decompression bomb. One value
 * for both: real modules decompress to at most tens of MB and kernels to 35-100 MB, and each is
 * held whole while it is read ({@link WholeDecode}). Carried by the scan's steps, so every worker
 * applies the same cap and a scan gives the same rows on every runner.
 */
public record DecompressionCaps(long maxBytes) implements Serializable {
  /** 128 MiB: {@link DecompressionLimits#DEFAULT_MODULE_MAX_BYTES}, the same as the kernel cap. */
  public static final DecompressionCaps DEFAULT = new DecompressionCaps(DecompressionLimits.DEFAULT_MODULE_MAX_BYTES);

  /** Below a Java array's size: a decompressed file is held in one. */
  public static final long LIMIT = Integer.MAX_VALUE - 8;

  public DecompressionCaps {
    if (maxBytes <= 0 || maxBytes > LIMIT) {
      throw new IllegalArgumentException("the decompressed size cap must be between 1 and " + LIMIT + " bytes, got "
          + maxBytes);
    }
  }

  /** The limits for one module. */
  public DecompressionLimits module() {
    return DecompressionLimits.forModule().withMaxOutputBytes(maxBytes);
  }

  /** The limits for one kernel image's payload. */
  public DecompressionLimits kernel() {
    return DecompressionLimits.forKernel().withMaxOutputBytes(maxBytes);
  }
}
