package dev.btfscan.io;

import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.io.pkg.KernelFiles;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A kernel module or kernel image candidate found in a package, with its bytes as stored in the
 * package (a {@code .ko.xz} is still compressed: decompression happens downstream, in parallel).
 * {@link #bytes()} is null when the entry was not read (too large); {@link #problems()} says why.
 */
@DefaultCoder(KernelFileCoder.class)
public final class KernelFile {
  private final String packageName;
  private final String path;
  private final String rawName;
  private final KernelFileKind kind;
  private final String release;
  private final String unsafeReason;
  private final long size;
  private final boolean duplicate;
  private final byte[] bytes;
  private final List<String> problems;
  private final long entry;
  private final boolean digest;

  /**
   * @param entry the entry's ordinal in its package (0-based, archive order, every entry counted):
   *     decides which of two kernel images of one release in a package is the package's own
   */
  public KernelFile(String packageName, String path, String rawName, KernelFileKind kind, String release,
      String unsafeReason, long size, boolean duplicate, byte[] bytes, List<String> problems, long entry) {
    this(packageName, path, rawName, kind, release, unsafeReason, size, duplicate, bytes, problems, entry, false);
  }

  private KernelFile(String packageName, String path, String rawName, KernelFileKind kind, String release,
      String unsafeReason, long size, boolean duplicate, byte[] bytes, List<String> problems, long entry, boolean digest) {
    this.packageName = Objects.requireNonNull(packageName, "packageName");
    this.path = Objects.requireNonNull(path, "path");
    this.rawName = Objects.requireNonNull(rawName, "rawName");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.release = release;
    this.unsafeReason = unsafeReason;
    this.size = size;
    this.duplicate = duplicate;
    this.bytes = bytes;
    this.problems = List.copyOf(problems);
    this.entry = entry;
    this.digest = digest;
  }

  /**
   * The same file with its bytes replaced by a digest of them (see {@link
   * KernelPackageIO.Read#withKernelImageDigest} and {@link KernelPackageIO.Read#withPassedOnModuleDigest}):
   * what downstream steps keep of a file instead of its bytes. Only the reader makes digests, so a
   * package's own bytes are never taken for one.
   */
  public KernelFile withDigest(byte[] digestBytes) {
    return new KernelFile(packageName, path, rawName, kind, release, unsafeReason, size, duplicate,
        Objects.requireNonNull(digestBytes, "digestBytes"), problems, entry, true);
  }

  /** The same file with {@code restored} as its bytes again, no longer a digest (what a digest stood for). */
  public KernelFile withBytes(byte[] restored) {
    return new KernelFile(packageName, path, rawName, kind, release, unsafeReason, size, duplicate, restored, problems,
        entry, false);
  }

  /** Whether {@link #bytes()} is a digest made by the reader rather than the bytes as stored. */
  public boolean isDigest() {
    return digest;
  }

  /** Coder's constructor: every field, the digest flag included. */
  static KernelFile decoded(String packageName, String path, String rawName, KernelFileKind kind, String release,
      String unsafeReason, long size, boolean duplicate, byte[] bytes, List<String> problems, long entry, boolean digest) {
    return new KernelFile(packageName, path, rawName, kind, release, unsafeReason, size, duplicate, bytes, problems, entry,
        digest);
  }

  /** The entry's ordinal in its package: 0-based, in archive order, every entry counted. */
  public long entry() {
    return entry;
  }


  /** The package's file name (directory name for trees). */
  public String packageName() {
    return packageName;
  }

  /** Sanitised path inside the package, the report key. */
  public String path() {
    return path;
  }

  /** Name exactly as stored in the archive. */
  public String rawName() {
    return rawName;
  }

  /** MODULE or KERNEL_IMAGE. */
  public KernelFileKind kind() {
    return kind;
  }

  /** Kernel release derived from the path, or null. */
  public String release() {
    return release;
  }

  /** Why the entry name is unsafe, or null. */
  public String unsafeReason() {
    return unsafeReason;
  }

  /** Size declared by the archive. */
  public long size() {
    return size;
  }

  /** True when an earlier entry of the package had the same sanitised path. */
  public boolean isDuplicate() {
    return duplicate;
  }

  /** The bytes as stored (maybe compressed), or null when not read. Do not modify. */
  public byte[] bytes() {
    return bytes;
  }

  /** Problems with this entry; empty when none. */
  public List<String> problems() {
    return problems;
  }

  /** Module name as the kernel knows it ('-' as '_'), or null for kernel images. */
  public String moduleName() {
    return kind == KernelFileKind.MODULE ? KernelFiles.moduleName(path) : null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KernelFile)) {
      return false;
    }
    KernelFile that = (KernelFile) o;
    return size == that.size
        && entry == that.entry
        && digest == that.digest
        && duplicate == that.duplicate
        && packageName.equals(that.packageName)
        && path.equals(that.path)
        && rawName.equals(that.rawName)
        && kind == that.kind
        && Objects.equals(release, that.release)
        && Objects.equals(unsafeReason, that.unsafeReason)
        && Arrays.equals(bytes, that.bytes)
        && problems.equals(that.problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(packageName, path, rawName, kind, release, unsafeReason, size, duplicate,
        Arrays.hashCode(bytes), problems, entry, digest);
  }

  @Override
  public String toString() {
    return "KernelFile{" + packageName + ":" + path + " #" + entry + " " + kind + " release=" + release + " size=" + size
        + (bytes == null ? " (not read)" : "") + (digest ? " digest" : "") + (duplicate ? " duplicate" : "")
        + (unsafeReason == null ? "" : " unsafe=" + unsafeReason) + (problems.isEmpty() ? "" : " problems=" + problems)
        + "}";
  }
}
