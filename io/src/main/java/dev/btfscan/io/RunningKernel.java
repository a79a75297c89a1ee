package dev.btfscan.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's own BTF. {@code /sys/kernel/btf/vmlinux} holds raw BTF with no banner and
 * a path that names no release, so a scan could match no module with it; on a sysfs mount it is
 * the BTF of the kernel this machine runs, whose release {@code /proc/sys/kernel/osrelease} names
 * ({@code uname -r}). A copy of the file anywhere else (a tarball of another machine's sysfs)
 * says nothing of its release.
 */
final class RunningKernel {
  private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

  private RunningKernel() {}

  /**
   * The running kernel's release when {@code location} is its BTF on sysfs ({@code
   * .../kernel/btf/vmlinux} on a filesystem of type sysfs), else null.
   */
  static String releaseOf(String location) {
    Path p = LocalPaths.of(location);
    if (p == null || !p.endsWith(Path.of("kernel", "btf", "vmlinux"))) {
      return null;
    }
    try {
      if (!"sysfs".equals(Files.getFileStore(p).type())) {
        return null;
      }
      String release = Files.readString(OSRELEASE).trim();
      return release.isEmpty() ? null : release;
    } catch (IOException | SecurityException e) {
      return null; // not this machine's sysfs after all, or not readable: the release stays unknown
    }
  }
}
