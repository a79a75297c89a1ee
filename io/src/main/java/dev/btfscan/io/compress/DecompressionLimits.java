package dev.btfscan.io.compress;

import java.io.Serializable;
import java.util.Objects;

/**
 * Bounds on what a decompressor may produce, so a crafted package cannot exhaust memory or disk.
 * Immutable; {@code withX} methods return modified copies. Serializable because DoFns carry it.
 *
 * <p>Two checks: an absolute cap on output bytes, and a maximum output/input ratio that is only
 * enforced once {@link #ratioCheckAfterBytes()} bytes were produced (small inputs legitimately have
 * huge ratios, e.g. a megabyte of zero padding).
 */
public final class DecompressionLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final long MIB = 1L << 20;

  /** Default cap for whole payloads (a package's data.tar, an RPM's cpio, a kernel image). */
  public static final long DEFAULT_PAYLOAD_MAX_BYTES = 2048 * MIB;
  /**
   * Default cap for one decompressed kernel module: the largest real ones (amdgpu, nvidia) are tens
   * of MB. Held whole in memory (twice for a moment while read): a 2.3 MB {@code .ko.gz} of 500 MB
   * (ratio 210, under the ratio limit) ran the 640 MB heap of 2 cores out of memory under the
   * 512 MiB cap this was before, failing the whole run.
   */
  public static final long DEFAULT_MODULE_MAX_BYTES = 128 * MIB;
  /**
   * Default cap for one decompressed kernel (a vmlinuz's payload): real ones are 35-100 MB (arm64
   * Image, amd64 vmlinux). Held whole in memory, and an array that grows to it holds half of it
   * beside it for a moment: a 4 MB gzip vmlinuz of 900 MB (ratio 220, under the ratio limit) ran
   * the 640 MB heap of 2 cores out of memory under the payload cap, failing the whole run.
   */
  public static final long DEFAULT_KERNEL_MAX_BYTES = 128 * MIB;
  /** Default maximum output/input ratio. */
  public static final long DEFAULT_MAX_RATIO = 1000;
  /** Default amount of output before the ratio is checked. */
  public static final long DEFAULT_RATIO_CHECK_AFTER_BYTES = 64 * MIB;

  private final long maxOutputBytes;
  private final long maxRatio;
  private final long ratioCheckAfterBytes;
  private final String description;

  private DecompressionLimits(long maxOutputBytes, long maxRatio, long ratioCheckAfterBytes, String description) {
    this.maxOutputBytes = maxOutputBytes;
    this.maxRatio = maxRatio;
    this.ratioCheckAfterBytes = ratioCheckAfterBytes;
    this.description = description;
  }

  /** Limits for payloads: 2 GiB output, 1000:1 after 64 MiB. */
  public static DecompressionLimits defaults() {
    return new DecompressionLimits(DEFAULT_PAYLOAD_MAX_BYTES, DEFAULT_MAX_RATIO, DEFAULT_RATIO_CHECK_AFTER_BYTES, "stream");
  }

  /** Limits for one kernel module: 128 MiB output, 1000:1 after 64 MiB. */
  public static DecompressionLimits forModule() {
    return defaults().withMaxOutputBytes(DEFAULT_MODULE_MAX_BYTES).withDescription("module");
  }

  /** Limits for one kernel image's payload: 128 MiB output, 1000:1 after 64 MiB. */
  public static DecompressionLimits forKernel() {
    return defaults().withMaxOutputBytes(DEFAULT_KERNEL_MAX_BYTES).withDescription("kernel");
  }

  public long maxOutputBytes() {
    return maxOutputBytes;
  }

  public long maxRatio() {
    return maxRatio;
  }

  public long ratioCheckAfterBytes() {
    return ratioCheckAfterBytes;
  }

  /** What is being decompressed, for messages: "payload of pkg/x.ko". */
  public String description() {
    return description;
  }

  public DecompressionLimits withMaxOutputBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, got " + bytes);
    }
    return new DecompressionLimits(bytes, maxRatio, ratioCheckAfterBytes, description);
  }

  /** Maximum output/input ratio; {@code Long.MAX_VALUE} disables the check. */
  public DecompressionLimits withMaxRatio(long ratio) {
    if (ratio < 1) {
      throw new IllegalArgumentException("maxRatio must be at least 1, got " + ratio);
    }
    return new DecompressionLimits(maxOutputBytes, ratio, ratioCheckAfterBytes, description);
  }

  public DecompressionLimits withRatioCheckAfterBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("ratioCheckAfterBytes must not be negative, got " + bytes);
    }
    return new DecompressionLimits(maxOutputBytes, maxRatio, bytes, description);
  }

  /** Names the stream in error messages, e.g. {@code "payload of linux-image.deb"}. */
  public DecompressionLimits withDescription(String description) {
    Objects.requireNonNull(description, "description");
    return new DecompressionLimits(maxOutputBytes, maxRatio, ratioCheckAfterBytes, description);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DecompressionLimits)) {
      return false;
    }
    DecompressionLimits that = (DecompressionLimits) o;
    return maxOutputBytes == that.maxOutputBytes
        && maxRatio == that.maxRatio
        && ratioCheckAfterBytes == that.ratioCheckAfterBytes
        && description.equals(that.description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxOutputBytes, maxRatio, ratioCheckAfterBytes, description);
  }

  @Override
  public String toString() {
    return "DecompressionLimits{max=" + maxOutputBytes + ", ratio=" + maxRatio + " after " + ratioCheckAfterBytes
        + ", " + description + "}";
  }

  /** Human-readable byte count for messages: "512 MiB", "1536 KiB", "17 bytes". */
  static String formatBytes(long bytes) {
    if (bytes >= MIB && bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }
}
