package dev.btfscan.io.sink;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Relative file names for per-module blobs under {@code blobs/}, safe on any filesystem whatever
 * the package contained:
 * <ul>
 *   <li>segments use only {@code [A-Za-z0-9._+-]}; others become '_', and no segment is empty,
 *       {@code .} or {@code ..} or starts with '.' (escaped with a leading '_');
 *   <li>segments are capped at 120 characters;
 *   <li>collision-free: whenever a name had to be changed, the file name gets
 *       {@code ~<12 hex of SHA-256(release NUL path)>}; '~' never appears otherwise, so a changed
 *       name cannot equal an unchanged one;
 *   <li>every file name ends with {@code .blob} and directory segments ending with {@code .blob} are
 *       changed, so a file can never sit where another blob needs a directory.
 * </ul>
 * Two calls with the same release and path give the same name: callers key blobs by release, so
 * two packages with the same module of the same release share one blob path.
 */
public final class BlobPaths {
  public static final String ROOT = "blobs";
  private static final String SUFFIX = ".blob";
  private static final int MAX_SEGMENT = 120;
  private static final String NO_RELEASE = "~no-release";

  private BlobPaths() {}

  /**
   * The blob of an entry of a package: {@code blobs/<release>/<package>/<path>.blob}. The package
   * is part of the path because two packages may carry different builds of the same module path
   * for the same release (a rebuilt package): one blob each, never a race for one file.
   */
  public static String of(String release, String packageName, String path) {
    return forModule(release, packageName + "/" + path);
  }

  /**
   * A later entry with the same name in one package (tar and cpio allow it): {@code distinct}
   * (e.g. a hash of its bytes) makes its blob a file of its own instead of overwriting the first.
   */
  public static String ofDuplicate(String release, String packageName, String path, String distinct) {
    return forModule(release, packageName + "/" + path + "#" + distinct);
  }

  /** {@code blobs/<release>/<path>.blob}, made safe as described above. */
  public static String forModule(String release, String path) {
    boolean[] changed = {false};
    StringBuilder out = new StringBuilder(ROOT).append('/');
    out.append(release == null ? NO_RELEASE : segment(release, changed));
    String[] segments = (path == null ? "" : path).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segment(segments[i], changed);
      boolean last = i == segments.length - 1;
      if (!last && s.endsWith(SUFFIX)) {
        s = s + "_";
        changed[0] = true;
      }
      out.append('/').append(s);
    }
    if (changed[0] || release == null) {
      out.append('~').append(hash(release, path));
    }
    return out.append(SUFFIX).toString();
  }

  private static String segment(String raw, boolean[] changed) {
    StringBuilder sb = new StringBuilder(Math.min(raw.length(), MAX_SEGMENT));
    for (int i = 0; i < raw.length() && sb.length() < MAX_SEGMENT; i++) {
      char c = raw.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '+' || c == '-';
      sb.append(ok ? c : '_');
      changed[0] |= !ok;
    }
    if (raw.length() > MAX_SEGMENT) {
      changed[0] = true;
    }
    if (sb.length() == 0 || sb.charAt(0) == '.') {
      sb.insert(0, '_'); // covers "", ".", ".." and hidden names
      changed[0] = true;
    }
    String out = sb.toString();
    if (out.contains("..")) {
      // Harmless inside a segment, but a path that reads like a traversal misleads whoever greps it.
      out = out.replace("..", "__");
      changed[0] = true;
    }
    return out;
  }

  private static String hash(String release, String path) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest(((release == null ? "\u0001" : release) + "\0" + path).getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        hex.append(String.format("%02x", d[i]));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required by the Java platform", e);
    }
  }
}
