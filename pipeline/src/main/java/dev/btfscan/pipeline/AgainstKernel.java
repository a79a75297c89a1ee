package dev.btfscan.pipeline;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.transforms.BtfFiles;
import dev.btfscan.transforms.KernelBtf;
import dev.btfscan.transforms.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * {@code --against}: a release among the inputs, or a kernel file (image, vmlinux ELF, raw BTF)
 * read once in the driver and shared like a scanned vmlinux.
 */
final class AgainstKernel {
  private AgainstKernel() {}

  /** The file's BTF, or {@code null} when {@code against} is not an existing file (then a release). */
  static KernelBtf load(String against, DecompressionCaps caps) throws IOException {
    if (against == null) {
      return null;
    }
    MatchResult m = FileSystems.match(against);
    if (m.status() != MatchResult.Status.OK || m.metadata().isEmpty()) {
      return null;
    }
    if (m.metadata().size() > 1) {
      throw new IOException("--against " + against + " matches " + m.metadata().size() + " files; name one");
    }
    byte[] bytes;
    try (InputStream in = Channels.newInputStream(FileSystems.open(m.metadata().get(0).resourceId()))) {
      bytes = in.readAllBytes();
    }
    BtfFiles.Found found = BtfFiles.load(bytes, caps);
    String release = found.release() == null ? "" : found.release();
    try {
      // Parsed here once so that a bad --against file fails before any work.
      Btf btf = BtfParser.parse(found.btf());
      return KernelBtf.inMemory(release, against, Sha256.hex(found.btf()), btf.typeCount(), btf.stringsLength(), found.btf(), -1);
    } catch (BtfFormatException e) {
      throw new IOException("--against " + against + ": " + e.getMessage(), e);
    }
  }
}
