package dev.btfscan.io;

import dev.btfscan.io.pkg.LocalTreeSource;
import dev.btfscan.io.pkg.TreeSource;
import java.nio.file.Path;

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
    Path local = LocalPaths.of(directory);
    return local == null ? new BeamTreeSource(directory) : new LocalTreeSource(local);
  }
}
