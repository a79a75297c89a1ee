package dev.btfscan.io.compress;

import dev.btfscan.io.util.ByteBudget;

/**
 * The decompressed bytes of compressed modules and kernels held whole in one JVM at once, while
 * {@link WholeDecode} decodes them and its caller reads them.
 *
 * <p>Why: a module or kernel may decompress to its cap (128 MiB) from a file of a few MB (the
 * ratio limit allows 1000:1), on every judge and package session at once, and none of those bytes
 * were in {@code EntryBytes}, which counts what the packages stored. Real modules decompress to a
 * few MB and kernels to 35-100 MB, and never wait here.
 *
 * <p>Holders of these bytes wait for nothing while they hold them (a decode that needs more room
 * than it holds and cannot have it gives all back first, see {@link WholeDecode}), so a holder of
 * {@code EntryBytes} may wait here without closing a cycle.
 */
public final class DecodedBytes {
  /** A quarter of the heap, beside EntryBytes' quarter. */
  private static final ByteBudget JVM = new ByteBudget(Runtime.getRuntime().maxMemory() / 4);

  private DecodedBytes() {}

  public static ByteBudget jvm() {
    return JVM;
  }
}
