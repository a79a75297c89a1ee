package dev.btfscan.io;

import dev.btfscan.io.pkg.LocalTreeSource;
import dev.btfscan.io.pkg.TreeSource;
import java.net.URI;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The tree behind a directory location. Beam's match of {@code dir/**} follows symlinks on the
 * local filesystem: a {@code loop -> ..} link is walked forty levels deep, each level's modules
 * again, and a link to {@code /etc/passwd} read as a module. So local directories (the worker's
 * own disk, on any runner) are walked without following links ({@link LocalTreeSource}); object
 * stores have no symlinks and go through Beam's filesystems.
 */
final class TreeSources {
  private TreeSources() {}

  /** {@code directory} ends with '/'. */
  static TreeSource of(String directory) {
    ResourceId id = FileSystems.matchNewResource(directory, true);
    if (!"file".equals(id.getScheme())) {
      return new BeamTreeSource(directory);
    }
    return new LocalTreeSource(directory.startsWith("file:") ? Path.of(URI.create(directory)) : Path.of(directory));
  }
}
