package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads a directory tree as a package, files in sorted path order so runs are reproducible. */
final class DirectoryReader {
  private DirectoryReader() {}

  static void read(TreeSource tree, ReadContext ctx) throws IOException {
    List<TreeSource.TreeFile> files = new ArrayList<>(tree.files());
    files.sort(Comparator.comparing(TreeSource.TreeFile::relativePath));
    for (TreeSource.TreeFile f : files) {
      if (f.type() != EntryType.REGULAR) {
        ctx.other(f.relativePath(), f.type(), f.linkTarget()); // listed like an archive's link, never opened
        continue;
      }
      try (InputStream in = tree.open(f)) {
        ctx.file(f.relativePath(), f.size(), in);
      }
    }
  }
}
