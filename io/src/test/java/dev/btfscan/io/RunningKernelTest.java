package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running kernel's BTF on sysfs is of the release uname -r names; a copy of it says nothing. */
class RunningKernelTest {
  private static final Path SYSFS_VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  @Test
  void theSysfsVmlinuxIsOfTheRunningRelease() throws Exception {
    assumeTrue(Files.isReadable(SYSFS_VMLINUX), "this kernel exposes no BTF in sysfs");
    String uname = new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes()).trim();
    assertEquals(uname, RunningKernel.releaseOf(SYSFS_VMLINUX.toString()));
  }

  @Test
  void aCopyOfItElsewhereHasNoRelease(@TempDir Path dir) throws Exception {
    Path copy = Files.createDirectories(dir.resolve("sys/kernel/btf")).resolve("vmlinux");
    Files.write(copy, new byte[] {(byte) 0x9f, (byte) 0xeb});
    assertNull(RunningKernel.releaseOf(copy.toString()));
    assertNull(RunningKernel.releaseOf("/sys/kernel/btf/ext4")); // a module's BTF, not vmlinux
    assertNull(RunningKernel.releaseOf("gs://bucket/sys/kernel/btf/vmlinux"));
  }
}
