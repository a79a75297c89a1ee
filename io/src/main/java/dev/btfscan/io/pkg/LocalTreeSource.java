package dev.btfscan.io.pkg;

import dev.btfscan.io.util.FileNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory on the local filesystem. Symlinks are listed, never followed, so a tree cannot loop
 * or reach outside itself; a symlink or a fifo called {@code x.ko} is reported as what it is (and a
 * fifo is never opened, which would block the reader).
 *
 * <p>Files are opened through the {@link Path} the walk found, not through their name as a string:
 * a name that the JVM's file-name encoding cannot decode (any non-ASCII byte under a C/POSIX locale,
 * bytes that are no UTF-8 under a UTF-8 one) turns into a string that names no file, or no valid
 * path at all, while the walk's own path keeps the name's bytes.
 */
public final class LocalTreeSource implements TreeSource {
  private final Path root;
  /** The path each listed file was found at, for {@link #open}: its name's bytes as on disk. */
  private final Map<TreeFile, Path> listed = new IdentityHashMap<>();

  public LocalTreeSource(Path root) {
    this.root = root;
  }

  @Override
  public List<TreeFile> files() throws IOException {
    List<TreeFile> out = new ArrayList<>();
    listed.clear();
    // The root itself may be a link (the user named it); nothing below it is followed.
    Path root = this.root.toRealPath();
    Files.walkFileTree(root, new SimpleFileVisitor<>() { // follows no link unless told to
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
        // a btf-scan output (ours, being written, or an earlier one) is never input
        return Files.exists(dir.resolve(OWN_OUTPUT_MARKER), LinkOption.NOFOLLOW_LINKS)
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
        String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (a.isRegularFile()) {
          TreeFile f = new TreeFile(rel, a.size(), p.toString());
          listed.put(f, p);
          out.add(f);
        } else if (a.isSymbolicLink()) {
          out.add(new TreeFile(rel, 0, p.toString(), EntryType.SYMLINK, Files.readSymbolicLink(p).toString()));
        } else if (!a.isDirectory()) {
          out.add(new TreeFile(rel, 0, p.toString(), EntryType.OTHER, null));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
        throw e; // as Files.walk did: an unreadable directory fails the tree, it is not skipped
      }
    });
    return out;
  }

  @Override
  public InputStream open(TreeFile file) throws IOException {
    if (file.type() != EntryType.REGULAR) {
      throw new IOException(file.relativePath() + " is not a regular file");
    }
    Path p = listed.get(file);
    if (p == null) {
      p = FileNames.parse(file.location());
    }
    return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
  }
}
