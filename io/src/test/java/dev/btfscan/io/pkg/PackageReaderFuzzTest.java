package dev.btfscan.io.pkg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.io.compress.DecompressionLimits;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Jazzer: any bytes as a package through PackageReader.read, with a visitor that reads every
 * entry's content like the pipeline does. Only {@link IOException} may escape (the reader wraps
 * library failures into PackageReadException); a RuntimeException, an Error, a wrapped
 * RuntimeException thrown by dev.btfscan code, or a hang is a finding. The same bytes also go
 * through {@link PayloadProbe}, under the same rule. One method per format so each mutates from its own seeds:
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
      // documented: PackageReadException, with what was read before the failure already visited.
      // The reader also wraps unchecked exceptions of the archive libraries; one thrown by our
      // own code is a bug all the same.
      rethrowOwnBug(e.getCause());
    }
    probe(data);
  }

  /**
   * The same bytes through the probe that sizes the DirectRunner's pool. It answers "no" to any
   * exception, so the finding is one thrown by dev.btfscan code (or an Error, or a hang).
   */
  static void probe(byte[] data) {
    try {
      PayloadProbe.decodesOnEveryCore(new BufferedInputStream(new ByteArrayInputStream(data)));
    } catch (IOException e) {
      rethrowOwnBug(e.getCause());
    } catch (RuntimeException e) {
      rethrowOwnBug(e); // the archive libraries' own unchecked exceptions are a "no"
    }
  }

  /** Rethrows the first RuntimeException from {@code t} down its causes that was thrown in dev.btfscan code. */
  static void rethrowOwnBug(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      StackTraceElement[] at = c.getStackTrace();
      if (c instanceof RuntimeException && at.length > 0 && at[0].getClassName().startsWith("dev.btfscan.")) {
        throw (RuntimeException) c;
      }
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
