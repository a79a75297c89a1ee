package dev.btfscan.io;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.values.KV;

/**
 * Analysis the package reader may do itself, while the package streams past, instead of sending
 * every module downstream to wait for its vmlinux.
 *
 * <p>Why: a batch side input is complete only when every package has been read, so without this
 * every module of every package waits in memory for the vmlinux map, and memory grows with the
 * input. Most kernel packages (Debian, Ubuntu, Arch) carry their own release's vmlinuz ahead of
 * their modules; their modules can be judged the moment they are read. io knows nothing of BTF:
 * the analysis says, module by module, whether it could decide alone.
 *
 * <p>Contract: a session sees every kernel image and module of one package in archive order, on
 * the reader's thread. For a module it returns the report lines that stand for it (the module then
 * leaves the reader as those lines only), or an empty list when the module must take the
 * pipeline's way (its result depends on more than this package holds). The lines must be exactly
 * those the pipeline's way would have produced, so the choice never shows in the output.
 */
public interface LocalAnalysis extends Serializable {
  /** A session for one package, opened when its reading starts. */
  Session open(String packageName);

  /** The analysis of one package, fed in archive order. */
  interface Session {
    /** A kernel image candidate of the package (bytes may be null when it was not read). */
    void kernelImage(KernelFile image);

    /**
     * The report lines standing for {@code module}, each keyed by the report file it belongs to,
     * or an empty list to send the module on.
     */
    List<KV<String, String>> module(KernelFile module);
  }
}
