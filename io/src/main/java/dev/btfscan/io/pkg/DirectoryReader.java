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
    List<String> unreadable = new ArrayList<>();
    for (TreeSource.TreeFile f : files) {
      if (f.type() != EntryType.REGULAR) {
        ctx.other(f.relativePath(), f.type(), f.linkTarget()); // listed like an archive's link, never opened
        continue;
      }
      // Unlike an archive's entries, a tree's files do not share a stream: one that cannot be
      // read (gone, no permission) gets its row with the reason and the walk goes on.
      try (InputStream in = openOrFailOnRead(tree, f)) {
        ctx.file(f.relativePath(), f.size(), in);
      } catch (IOException e) {
        unreadable.add(f.relativePath() + ": " + ReadContext.describe(e));
      }
    }
    if (!unreadable.isEmpty()) {
      throw new IOException(unreadable.size() + " file(s) of the tree could not be read, the first "
          + unreadable.get(0));
    }
  }

  /** The file's stream, or one whose first read throws why it could not be opened. */
  private static InputStream openOrFailOnRead(TreeSource tree, TreeSource.TreeFile f) {
    try {
      return tree.open(f);
    } catch (IOException e) {
      IOException why = new IOException(PackageReader.TREE_FILE_NOT_OPENED + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      return new InputStream() {
        @Override
        public int read() throws IOException {
          throw why;
        }
      };
    }
  }
}
