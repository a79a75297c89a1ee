package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A directory tree read as a package, independent of where it lives (local disk, a Beam
 * filesystem). Implementations list regular files with paths relative to the root.
 */
public interface TreeSource {
  /** Relative paths ({@code /}-separated) of the regular files, in any order. */
  List<TreeFile> files() throws IOException;

  /** Opens one file listed by {@link #files()}. */
  InputStream open(TreeFile file) throws IOException;

  /** A file of the tree: its path relative to the root, its size, and where to find it. */
  final class TreeFile {
    private final String relativePath;
    private final long size;
    private final String location;

    public TreeFile(String relativePath, long size, String location) {
      this.relativePath = relativePath;
      this.size = size;
      this.location = location;
    }

    public String relativePath() {
      return relativePath;
    }

    public long size() {
      return size;
    }

    /** Where the source finds the file (an absolute path or resource id). */
    public String location() {
      return location;
    }
  }
}
