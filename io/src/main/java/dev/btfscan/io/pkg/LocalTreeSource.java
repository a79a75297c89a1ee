package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory on the local filesystem. Symlinks are listed, never followed, so a tree cannot loop
 * or reach outside itself; a symlink or a fifo called {@code x.ko} is reported as what it is (and a
 * fifo is never opened, which would block the reader).
 */
public final class LocalTreeSource implements TreeSource {
  private final Path root;

  public LocalTreeSource(Path root) {
    this.root = root;
  }

  @Override
  public List<TreeFile> files() throws IOException {
    List<TreeFile> out = new ArrayList<>();
    // The root itself may be a link (the user named it); nothing below it is followed.
    Path root = this.root.toRealPath();
    try (Stream<Path> walk = Files.walk(root)) { // Files.walk follows no link unless told to
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          continue;
        }
        String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (a.isRegularFile()) {
          out.add(new TreeFile(rel, a.size(), p.toString()));
        } else if (a.isSymbolicLink()) {
          out.add(new TreeFile(rel, 0, p.toString(), EntryType.SYMLINK, Files.readSymbolicLink(p).toString()));
        } else {
          out.add(new TreeFile(rel, 0, p.toString(), EntryType.OTHER, null));
        }
      }
    }
    return out;
  }

  @Override
  public InputStream open(TreeFile file) throws IOException {
    if (file.type() != EntryType.REGULAR) {
      throw new IOException(file.relativePath() + " is not a regular file");
    }
    return Files.newInputStream(Path.of(file.location()), LinkOption.NOFOLLOW_LINKS);
  }
}
