package dev.btfscan.io.pkg;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * An archive entry name normalised into a stable report key: no leading {@code /} or {@code ./},
 * no empty or {@code .} segments, {@code a/../b} folded to {@code b}. A {@code ..} that would climb
 * above the package root is kept literally and the path is flagged unsafe, so the entry stays
 * visible in reports. The result is a key, never a filesystem path: use
 * {@link dev.btfscan.io.sink.BlobPaths} to derive file names from it.
 */
public final class EntryPath {
  private final String path;
  private final String raw;
  private final String unsafeReason;

  private EntryPath(String path, String raw, String unsafeReason) {
    this.path = path;
    this.raw = raw;
    this.unsafeReason = unsafeReason;
  }

  /** Normalises a raw archive name; never throws, a null name becomes the empty path. */
  public static EntryPath sanitize(String raw) {
    String name = raw == null ? "" : raw;
    String reason = null;
    if (name.indexOf('\0') >= 0) {
      reason = "name contains a NUL byte";
      name = name.replace('\0', '?');
    }
    Deque<String> segments = new ArrayDeque<>();
    int escapes = 0;
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          escapes++;
        } else {
          segments.removeLast();
        }
        continue;
      }
      segments.addLast(segment);
    }
    if (escapes > 0 && reason == null) {
      reason = "'..' escapes the package root";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < escapes; i++) {
      sb.append(sb.length() == 0 ? "" : "/").append("..");
    }
    for (String segment : segments) {
      sb.append(sb.length() == 0 ? "" : "/").append(segment);
    }
    return new EntryPath(sb.toString(), raw == null ? "" : raw, reason);
  }

  /** The normalised path, e.g. {@code lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko}. */
  public String path() {
    return path;
  }

  /** The name exactly as stored in the archive. */
  public String raw() {
    return raw;
  }

  /** Why the name is unsafe, or null when it is not. */
  public String unsafeReason() {
    return unsafeReason;
  }

  public boolean isUnsafe() {
    return unsafeReason != null;
  }

  /** The last segment of the path ("" for the root). */
  public String fileName() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EntryPath)) {
      return false;
    }
    EntryPath that = (EntryPath) o;
    return path.equals(that.path) && raw.equals(that.raw) && Objects.equals(unsafeReason, that.unsafeReason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, raw, unsafeReason);
  }

  @Override
  public String toString() {
    return unsafeReason == null ? path : path + " (unsafe: " + unsafeReason + ")";
  }
}
