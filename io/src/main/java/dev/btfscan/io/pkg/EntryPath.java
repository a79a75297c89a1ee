package dev.btfscan.io.pkg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * An archive entry name normalised into a stable report key: no leading {@code /} or {@code ./},
 * no empty or {@code .} segments, {@code a/../b} folded to {@code b}. The result is a key, never a
 * filesystem path: use {@link dev.btfscan.io.sink.BlobPaths} to derive file names from it.
 *
 * <p>Unsafe names are still keyed and reported, with {@link #unsafeReason()} saying why:
 * <ul>
 *   <li>a {@code ..} that would climb above the package root is kept literally ({@code ../x.ko}),
 *       so the entry stays visible in reports;
 *   <li>an absolute name ({@code /abs/x.ko}, {@code //x}, {@code /./x}) is reported under the path
 *       with its leading slashes dropped ({@code abs/x.ko}), which is where tar, cpio and rpm put
 *       it when unpacking into a root; the flag says it was absolute. A leading {@code ./} (deb,
 *       rpm's cpio) is relative and never flagged;
 *   <li>a NUL byte is replaced by {@code ?}.
 * </ul>
 * Several reasons are joined with {@code "; "}. Readers hand the member name exactly as the
 * archive stores it, so only a member name that really is absolute is flagged: rpm's header file
 * list, absolute by definition, is made relative ({@code ./}) by its reader first.
 */
public final class EntryPath {
  /** Reason for a name with a NUL byte. */
  public static final String NUL = "name contains a NUL byte";
  /** Reason for a name that starts with '/'. */
  public static final String ABSOLUTE = "absolute name";
  /** Reason for a name whose '..' climbs above the package root. */
  public static final String ESCAPES = "'..' escapes the package root";

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
    List<String> reasons = new ArrayList<>(3);
    if (name.indexOf('\0') >= 0) {
      reasons.add(NUL);
      name = name.replace('\0', '?');
    }
    if (name.startsWith("/")) {
      reasons.add(ABSOLUTE);
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
    if (escapes > 0) {
      reasons.add(ESCAPES);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < escapes; i++) {
      sb.append(sb.length() == 0 ? "" : "/").append("..");
    }
    for (String segment : segments) {
      sb.append(sb.length() == 0 ? "" : "/").append(segment);
    }
    return new EntryPath(sb.toString(), raw == null ? "" : raw, reasons.isEmpty() ? null : String.join("; ", reasons));
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
