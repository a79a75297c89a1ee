package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tree lists its files, and nothing of a btf-scan output directory inside it. */
class LocalTreeSourceTest {
  @TempDir Path tree;

  private List<String> listed(Path root) throws IOException {
    return new LocalTreeSource(root).files().stream().map(TreeSource.TreeFile::relativePath).sorted().toList();
  }

  @Test
  void aDirectoryMarkedAsABtfScanOutputIsNotListedAndTheRestIs() throws IOException {
    Files.createDirectories(tree.resolve("lib/modules/r/kernel"));
    Files.writeString(tree.resolve("lib/modules/r/kernel/a.ko"), "module");
    Path out = Files.createDirectories(tree.resolve("out/blobs/r"));
    Files.writeString(tree.resolve("out").resolve(TreeSource.OWN_OUTPUT_MARKER), "marker");
    Files.writeString(out.resolve("vmlinux-r.btf.blob"), "blob");
    Path staging = Files.createDirectories(tree.resolve(".out.staging-1/.waiting"));
    Files.writeString(tree.resolve(".out.staging-1").resolve(TreeSource.OWN_OUTPUT_MARKER), "marker");
    Files.writeString(staging.resolve("0123.ko"), "scratch");
    Files.writeString(tree.resolve("notes.txt"), "text");

    assertEquals(List.of("lib/modules/r/kernel/a.ko", "notes.txt"), listed(tree));
  }

  @Test
  void aTreeThatIsItselfABtfScanOutputListsNothing() throws IOException {
    Files.writeString(tree.resolve(TreeSource.OWN_OUTPUT_MARKER), "marker");
    Files.writeString(tree.resolve("modules.jsonl"), "{}");
    assertEquals(List.of(), listed(tree));
  }

  @Test
  void aFileNamedLikeTheMarkerInsideAModuleTreeHidesOnlyItsOwnDirectory() throws IOException {
    Files.createDirectories(tree.resolve("a"));
    Files.createDirectories(tree.resolve("b"));
    Files.writeString(tree.resolve("a/x.ko"), "module");
    Files.writeString(tree.resolve("b/y.ko"), "module");
    Files.writeString(tree.resolve("b").resolve(TreeSource.OWN_OUTPUT_MARKER), "marker");
    assertEquals(List.of("a/x.ko"), listed(tree));
  }
}
