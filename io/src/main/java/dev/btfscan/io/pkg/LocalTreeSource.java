package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

/** A directory on the local filesystem. Symlinks are not followed, so a tree cannot loop or escape. */
public final class LocalTreeSource implements TreeSource {
  private final Path root;

  public LocalTreeSource(Path root) {
    this.root = root;
  }

  @Override
  public List<TreeFile> files() throws IOException {
    List<TreeFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, Integer.MAX_VALUE, EnumSet.noneOf(FileVisitOption.class).toArray(new FileVisitOption[0]))) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
          out.add(new TreeFile(rel, Files.size(p), p.toString()));
        }
      }
    }
    return out;
  }

  @Override
  public InputStream open(TreeFile file) throws IOException {
    return Files.newInputStream(Path.of(file.location()));
  }
}
