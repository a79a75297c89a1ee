package dev.btfscan.io;

import java.net.URI;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Which Beam locations are on the local filesystem, and where: what every check that must look
 * at the file itself (never follow a link, never open a fifo, never read OUT) asks first.
 */
public final class LocalPaths {
  private LocalPaths() {}

  /**
   * The local path of {@code location} (a plain path or a {@code file:} URI; a trailing '/' names
   * a directory), or null when Beam puts it on another filesystem or knows no filesystem for it.
   */
  public static Path of(String location) {
    ResourceId id;
    try {
      id = FileSystems.matchNewResource(location, location.endsWith("/"));
    } catch (RuntimeException e) {
      return null; // a scheme without a registered filesystem: not local either way
    }
    if (!"file".equals(id.getScheme())) {
      return null;
    }
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }
}
