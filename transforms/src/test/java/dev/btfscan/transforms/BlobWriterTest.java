package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobWriterTest {
  @TempDir Path out;

  /** Regression: "two..dots.ko" failed the whole scan with "unsafe blob path". */
  @Test
  void aFileNameWithTwoDotsIsWrittenNotRejected() throws Exception {
    String blob = "blobs/6.1.0/p.tar/lib/modules/6.1.0/kernel/two..dots.ko.blob";
    new BlobWriter(out.toString()).write(blob, new byte[] {1, 2});
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(out.resolve(blob)));
  }

  @Test
  void traversalAndAbsolutePathsAreRejected() {
    BlobWriter w = new BlobWriter(out.toString());
    for (String bad : new String[] {"../x.btf", "blobs/../../x.btf", "/etc/x.btf", "blobs/./x.btf", "blobs//x.btf", "", "a\\b"}) {
      assertFalse(BlobWriter.isSafe(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> w.write(bad, new byte[0]), bad);
    }
    assertTrue(BlobWriter.isSafe("blobs/modules/r/x..ko-0123.btf"));
  }
}
