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

  public void write(String relative, byte[] bytes) {
    // BlobPaths builds these from sanitized segments; this is the last line of defence.
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("unsafe blob path " + relative);
      }
    }
    try (OutputStream out = Channels.newOutputStream(
        FileSystems.create(FileSystems.matchNewResource(root + relative, false), MimeTypes.BINARY))) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write blob " + relative, e);
    }
  }
}
