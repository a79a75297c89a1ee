package dev.btfscan.io.pkg;

import java.util.Objects;

/** One entry of a package as the readers report it; the content travels separately. */
public final class PackageEntry {
  private final String packageName;
  private final EntryPath path;
  private final EntryType type;
  private final long size;
  private final String linkTarget;
  private final KernelFileKind kind;
  private final boolean duplicate;

  public PackageEntry(String packageName, EntryPath path, EntryType type, long size, String linkTarget,
      KernelFileKind kind, boolean duplicate) {
    this.packageName = Objects.requireNonNull(packageName, "packageName");
    this.path = Objects.requireNonNull(path, "path");
    this.type = Objects.requireNonNull(type, "type");
    this.size = size;
    this.linkTarget = linkTarget;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.duplicate = duplicate;
  }

  public String packageName() {
    return packageName;
  }

  /** The sanitised path, the key used in reports. */
  public String path() {
    return path.path();
  }

  /** The name exactly as stored in the archive. */
  public String rawName() {
    return path.raw();
  }

  public EntryPath entryPath() {
    return path;
  }

  /** Why the name is unsafe, or null. */
  public String unsafeReason() {
    return path.unsafeReason();
  }

  public EntryType type() {
    return type;
  }

  /** Content size as declared by the archive (0 for non-regular entries). */
  public long size() {
    return size;
  }

  /** Target of a symlink or hardlink as stored (not sanitised), or null. */
  public String linkTarget() {
    return linkTarget;
  }

  /** What its path names ({@link KernelFiles#classify}), found once as the entry is read. */
  public KernelFileKind kind() {
    return kind;
  }

  /**
   * True when this is a kernel file ({@link KernelFiles#classify}: a module or an image) and an
   * earlier entry of the same package had the same sanitised path. Other entries are never
   * flagged: they are no rows, and remembering every name a package lists would not be bounded.
   */
  public boolean isDuplicate() {
    return duplicate;
  }

  @Override
  public String toString() {
    return packageName + ":" + path + " " + type + " " + size + (linkTarget == null ? "" : " -> " + linkTarget)
        + (duplicate ? " (duplicate)" : "");
  }
}
