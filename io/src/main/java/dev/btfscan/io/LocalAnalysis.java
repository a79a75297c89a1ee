package dev.btfscan.io;

import java.io.Serializable;

/**
 * Analysis the package reader may do itself, while the package streams past, instead of sending
 * every module downstream to wait for its vmlinux.
 *
 * <p>Why: a batch side input is complete only when every package has been read, so without this
 * every module of every package waits in memory for the vmlinux map, and memory grows with the
 * input. Most kernel packages carry their own release's vmlinux (Debian, Ubuntu and Arch ahead of
 * their modules, Fedora's kernel-core after them); their modules can be judged within the package.
 * io knows nothing of BTF: the analysis decides, module by module, what it can judge alone.
 *
 * <p>Contract: a session sees every kernel image and module of one package in archive order, on
 * the reader's thread, then {@link Session#finish} once, also when the package broke half-way.
 * Every module it is given leaves through its {@link Output} exactly once: as the report lines
 * that stand for it, or passed on unchanged to take the pipeline's way (its result depends on more
 * than the package holds). A session may hold modules until {@code finish}, within a bound of its
 * own. The lines must be exactly those the pipeline's way would have produced, so the choice never
 * shows in the output.
 *
 * <p>The reader sends a package's kernel images on after {@code finish} (up to a bound of its
 * own), so a session may work on an image in the background, on threads of its own, while the
 * package streams on: the image's digest, made when it is sent, then finds that work done. An
 * image beyond the bound is sent at once, and the reader waits for that work to end ({@link
 * Session#awaitImages}) before it reads on.
 */
public interface LocalAnalysis extends Serializable {
  /** A session for one package, opened when its reading starts. */
  Session open(String packageName);

  /** Where a session's results go. */
  interface Output {
    /** A report line standing for a judged module, keyed by the report file it belongs to. */
    void line(String report, String line);

    /** A module the session did not judge, unchanged, for the pipeline's way. */
    void passOn(KernelFile module);
  }

  /** The analysis of one package, fed in archive order. */
  interface Session {
    /** A kernel image candidate of the package (bytes may be null when it was not read). */
    void kernelImage(KernelFile image);

    /**
     * Returns once the session's background work on every kernel image given so far has ended, so
     * that it holds no image's bytes any more. The reader calls it before it lets go of an image it
     * did not hold back: that image's bytes are counted in {@link EntryBytes} only until then.
     */
    void awaitImages();

    /** A module of the package: judge it, hold it, or pass it on. */
    void module(KernelFile module, Output out);

    /** The package has ended (or broken): every module still held leaves now. */
    void finish(Output out);
  }
}
