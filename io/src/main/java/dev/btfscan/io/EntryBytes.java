package dev.btfscan.io;

import dev.btfscan.io.util.ByteBudget;

/**
 * The bytes of kernel files (modules, images) held whole in one JVM at once: by package readers,
 * each while it reads an entry and hands it on, and by the module analysis, while it reads a
 * waiting module back and judges it.
 *
 * <p>Why: each takes a whole entry into one array (up to {@code --max-entry-bytes}, 256 MB by
 * default) and the runner runs several at once. Four tarballs, each one 250 MB module of random
 * bytes, ran the 640 MB heap of 2 cores and the 1080 MB heap of 4 cores out of memory: the modules
 * waited on disk for a vmlinux, then were read back by two or four analyses at a time. Real modules
 * and images are a few MB and never wait here; files that together exceed the budget are taken
 * one after another, and a file larger than the whole budget when nothing else is held, alone, so
 * every file is still read.
 *
 * <p>A holder waits for nothing else meanwhile but its own input (a reader's stream, the scratch
 * file) and for {@code DecodedBytes} (to decompress a module or kernel it holds), whose holders
 * wait for nothing here; and a reader takes nothing here before its package's decode slot, so
 * waiting here cannot close a cycle.
 */
public final class EntryBytes {
  /** A quarter of the heap: room left for the decoders, the decompressed files, the vmlinux and the judges. */
  private static final ByteBudget JVM = new ByteBudget(Runtime.getRuntime().maxMemory() / 4);

  private EntryBytes() {}

  public static ByteBudget jvm() {
    return JVM;
  }
}
