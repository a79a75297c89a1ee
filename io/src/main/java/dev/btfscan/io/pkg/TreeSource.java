package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A directory tree read as a package, independent of where it lives (local disk, a Beam
 * filesystem). Implementations list files with paths relative to the root, never following a
 * symlink (a tree must not loop, nor reach outside itself).
 */
public interface TreeSource {
  /**
   * The file that marks a directory as a btf-scan output (OUT, its staging directory while a scan
   * writes it, an old OUT being replaced): no tree lists anything in such a directory. A scan whose
   * OUT lies inside one of its input directories would otherwise read its own blobs and scratch
   * files, some while it writes them, and a second run would scan the first one's output.
   */
  String OWN_OUTPUT_MARKER = ".btf-scan-output";

  /**
   * The files, with relative paths ({@code /}-separated), in any order; no directories, and nothing
   * under a directory that holds {@link #OWN_OUTPUT_MARKER}.
   */
  List<TreeFile> files() throws IOException;

  /** Opens one file listed by {@link #files()}. */
  InputStream open(TreeFile file) throws IOException;

  /**
   * A file of the tree: its path relative to the root, its size, where to find it, and what it is:
   * a regular file, or (where the filesystem has them) a symlink with its target or a special
   * file, listed so that a module name that is no regular file still gets its row.
   */
  final class TreeFile {
    private final String relativePath;
    private final long size;
    private final String location;
    private final EntryType type;
    private final String linkTarget;

    /** A regular file. */
    public TreeFile(String relativePath, long size, String location) {
      this(relativePath, size, location, EntryType.REGULAR, null);
    }

    public TreeFile(String relativePath, long size, String location, EntryType type, String linkTarget) {
      this.relativePath = relativePath;
      this.size = size;
      this.location = location;
      this.type = type;
      this.linkTarget = linkTarget;
    }

    /** REGULAR, SYMLINK or OTHER (fifos, sockets, devices): only regular files are opened. */
    public EntryType type() {
      return type;
    }

    /** A symlink's target as stored, else null. */
    public String linkTarget() {
      return linkTarget;
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
