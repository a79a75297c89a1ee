package dev.btfscan.transforms;

import java.nio.charset.StandardCharsets;

/**
 * Paths of blobs under OUT, built only from sanitized names: a release and a path inside a
 * package are untrusted strings, so every character outside {@code [A-Za-z0-9._+-]} becomes '_',
 * '..' segments are impossible, and a short hash of the original keeps distinct inputs distinct.
 */
public final class BlobPaths {
  private BlobPaths() {}

  /** {@code blobs/modules/<release>/<file name>-<hash of package and path>.btf} */
  public static String forModule(String release, String packageName, String path) {
    return "blobs/modules/" + releaseSegment(release) + "/" + flatten(packageName, path) + ".btf";
  }

  /**
   * As {@link #forModule(String, String, String)} for a duplicate entry of a package: {@code distinct}
   * (a hash of its bytes) joins the hash, so it does not overwrite the blob of the first entry.
   */
  public static String forModule(String release, String packageName, String path, String distinct) {
    return "blobs/modules/" + releaseSegment(release) + "/" + flatten(packageName, path + '\u0000' + distinct, path) + ".btf";
  }

  /** {@code blobs/kernels/<release>/<file name>-<hash of package and path>.btf} */
  public static String forKernel(String release, String packageName, String path) {
    return "blobs/kernels/" + releaseSegment(release) + "/" + flatten(packageName, path) + ".btf";
  }

  private static String releaseSegment(String release) {
    return release == null || release.isEmpty() ? "unknown-release" : segment(release);
  }

  /** The file name, readable, plus a hash of package and path so that no two inputs collide. */
  static String flatten(String packageName, String path) {
    return flatten(packageName, path, path);
  }

  private static String flatten(String packageName, String hashed, String path) {
    String base = path.substring(path.lastIndexOf('/') + 1);
    String hash = Sha256.hex((packageName + '\u0000' + hashed).getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    return segment(base) + "-" + hash;
  }

  static String segment(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '+' || c == '-';
      sb.append(ok ? c : '_');
    }
    String out = sb.toString();
    // "." and ".." (and leading dots generally) would be directory tricks or hidden files.
    while (out.startsWith(".")) {
      out = "_" + out.substring(1);
    }
    return out.isEmpty() ? "_" : out;
  }
}
