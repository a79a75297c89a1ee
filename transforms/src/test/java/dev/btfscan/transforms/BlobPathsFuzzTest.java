package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.io.pkg.EntryPath;
import dev.btfscan.io.pkg.KernelFiles;
import dev.btfscan.io.sink.BlobPaths;
import java.nio.file.Path;

/**
 * Jazzer: any archive name and release through EntryPath.sanitize and BlobPaths: the blob path is
 * always {@code blobs/<release>/<package>/<path>.blob} under OUT, and BlobWriter accepts it (a rejected
 * path fails the whole run). Seeds: {@code BlobPathsFuzzTestInputs/blobPathStaysUnderOut/}.
 */
class BlobPathsFuzzTest {
  private static final Path OUT = Path.of("/out");

  @FuzzTest(maxDuration = "20s")
  void blobPathStaysUnderOut(FuzzedDataProvider data) {
    String release = data.consumeString(80);
    String raw = data.consumeRemainingAsString();
    String path = EntryPath.sanitize(raw).path();
    String derived = KernelFiles.releaseFromPath(path);
    for (String blob : new String[] {
        BlobPaths.of(release, "p", path),
        BlobPaths.ofDuplicate(derived, "p", path, "ab"),
        BlobPaths.of(derived, raw, path)}) {
      assertTrue(BlobWriter.isSafe(blob), blob);
      assertTrue(blob.startsWith("blobs/") && blob.endsWith(".blob"), blob);
      assertEquals(OUT.resolve(blob), OUT.resolve(blob).normalize(), blob);
      assertTrue(OUT.resolve(blob).normalize().startsWith(OUT.resolve("blobs")), blob);
    }
  }
}
