package dev.btfscan.transforms;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Writes blobs under the (staging) output directory through Beam's filesystems, so it works on
 * any runner and any filesystem. The path is always built from sanitized names; a retried bundle
 * rewrites the same bytes to the same path, so writes are idempotent.
 */
public final class BlobWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String root;

  /** @param root the output directory (a Beam path), blobs go under it */
  public BlobWriter(String root) {
    this.root = root.endsWith("/") ? root : root + "/";
  }

  /**
   * Relative, and no segment is empty, "." or "..". ("x..ko" is a file name, not a traversal: a
   * substring test rejected it and failed the whole run on a module so named.)
   */
  static boolean isSafe(String relative) {
    if (relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code bytes} to the blob {@code relative}; returns its full Beam path. */
  public String write(String relative, byte[] bytes) {
    if (!isSafe(relative)) {
      throw new IllegalArgumentException("unsafe blob path " + relative);
    }
    String path = root + relative;
    try (OutputStream out = Channels.newOutputStream(
        FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.BINARY))) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write blob " + relative, e);
    }
    return path;
  }
}
