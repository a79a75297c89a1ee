package dev.btfscan.io.pkg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Jazzer: any bytes as a package through PackageReader.read, with a visitor that reads every
 * entry's content like the pipeline does. Only {@link IOException} may escape (the reader wraps
 * everything it knows into PackageReadException); a RuntimeException, an Error or a hang is a
 * finding. One method per format so each mutates from its own seeds:
 * {@code src/test/resources/dev/btfscan/io/pkg/PackageReaderFuzzTestInputs/{rpm,deb,tar}/}.
 */
class PackageReaderFuzzTest {
  static final DecompressionLimits LIMITS = DecompressionLimits.defaults()
      .withMaxOutputBytes(16 << 20).withRatioCheckAfterBytes(1 << 20);

  /** Reads up to 1 MiB of each file (declared sizes are untrusted), counts the rest. */
  static final EntryVisitor READ_ALL = new EntryVisitor() {
    private final byte[] buf = new byte[8192];

    @Override
    public void visitFile(PackageEntry entry, InputStream content) throws IOException {
      long total = 0;
      int n;
      while (total < (1 << 20) && (n = content.read(buf)) > 0) {
        total += n;
      }
    }

    @Override
    public void visitOther(PackageEntry entry) {
      entry.toString();
    }
  };

  static void read(byte[] data) {
    try {
      PackageReader.read("fuzz", new ByteArrayInputStream(data), READ_ALL, LIMITS);
    } catch (IOException e) {
      // documented: PackageReadException, with what was read before the failure already visited
    }
  }

  @FuzzTest(maxDuration = "20s")
  void rpm(byte[] data) {
    read(data);
  }

  @FuzzTest(maxDuration = "20s")
  void deb(byte[] data) {
    read(data);
  }

  @FuzzTest(maxDuration = "20s")
  void tar(byte[] data) {
    read(data);
  }
}
