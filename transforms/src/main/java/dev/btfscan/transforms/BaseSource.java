package dev.btfscan.transforms;

/**
 * Where a module's vmlinux comes from. A module is checked against, in order: the {@code --against}
 * kernel when one is given; else the vmlinux its own package carries for its release (the build it
 * was shipped with, even when another input carries another build of the same release); else the
 * vmlinux of its release among the inputs.
 */
interface BaseSource {
  /** The vmlinux to check a module of {@code packageName} and {@code release} against, or null. */
  KernelBtf baseFor(String packageName, String release);

  /** The vmlinux of {@code release} among the inputs (a foreign module's own build), or null. */
  KernelBtf ofRelease(String release);

  /** The problem to report when {@link #baseFor} has none, or null when none is simply missing. */
  default String whyNoBase(String release) {
    return null;
  }

  /** The side-input key of the vmlinux a package carries for a release. */
  static String ownKey(String packageName, String release) {
    // NUL cannot occur in archive member or file names, so no two (package, release) pairs collide.
    return packageName + '\0' + release;
  }
}
