package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KernelFilesTest {
  @ParameterizedTest
  @CsvSource({
      "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko, xfs",
      "usr/lib/modules/6.6.7-arch1-1/kernel/net/key/af_key.ko.zst, af_key",
      "lib/modules/5.14.0-362.el9.x86_64/kernel/drivers/net/e1000e/e1000e.ko.xz, e1000e",
      "lib/modules/6.1.0/kernel/drivers/hid/hid-generic.ko.gz, hid_generic",
      "lib/modules/6.1.0/extra/nvidia-drm.ko, nvidia_drm",
  })
  void recognisesModulesAndNormalisesTheirNames(String path, String name) {
    assertEquals(KernelFileKind.MODULE, KernelFiles.classify(path));
    assertEquals(name, KernelFiles.moduleName(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "boot/vmlinuz-6.1.0-13-amd64", "boot/vmlinux-6.1.0-13-amd64", "boot/Image-6.1.0-13-arm64",
      "lib/modules/6.1.0/vmlinuz", "usr/lib/modules/6.6.7-arch1-1/vmlinuz",
      "usr/lib/debug/boot/vmlinux-6.1.0-13-amd64", "usr/lib/debug/lib/modules/5.14.0/vmlinux",
      "vmlinux", "Image", "Image.gz", "btf/5.4.0-1009-aws.btf", "vmlinux.btf",
      // at the top of a tree or tarball: a directory of kernel files, a tarball of /boot
      "vmlinuz-6.1.0-13-amd64", "Image-6.1.0-13-arm64", "zImage-6.4.0-150600.21-lpae",
      // SUSE: armv7 zImage and s390x image, in /boot or in the release's module directory
      "boot/zImage-6.4.0-150600.21-lpae", "boot/image-6.4.0-150600.21-default",
      "usr/lib/modules/6.4.0-150600.21-default/image", "usr/lib/modules/6.4.0-150600.21-lpae/zImage",
      "usr/lib/modules/6.4.0-150600.21-default/vmlinux.xz",
      // Unified Kernel Images: Fedora's kernel-uki-virt, and where boot loaders find them
      "lib/modules/6.11.4-301.fc41.x86_64/vmlinuz-virt.efi", "boot/efi/EFI/Linux/arch-linux.efi", "efi/EFI/Linux/x.EFI",
  })
  void recognisesKernelImageCandidates(String path) {
    assertEquals(KernelFileKind.KERNEL_IMAGE, KernelFiles.classify(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "boot/System.map-6.1.0", "boot/config-6.1.0", "boot/.vmlinuz-6.1.0.hmac", "boot/vmlinuz-6.1.0.hmac",
      "lib/modules/6.1.0/modules.dep", "usr/share/doc/vmlinuz-notes/README", "usr/src/linux/vmlinuz",
      "lib/modules/6.1.0/kernel/fs/xfs/.ko", ".btf", "usr/bin/ko",
      "usr/share/pixmaps/image-viewer.png", "boot/image-", "usr/share/doc/zImage", "usr/lib/modules/6.1.0/kernel/image",
      "usr/lib/systemd/boot/efi/systemd-bootx64.efi", "boot/efi/EFI/BOOT/BOOTX64.EFI",
      "image-viewer.png", "vmlinuz-6.1.0.hmac", "usr/share/doc/linux/vmlinuz-6.1.0",
  })
  void ignoresEverythingElse(String path) {
    assertEquals(KernelFileKind.OTHER, KernelFiles.classify(path));
    assertNull(KernelFiles.moduleName(path));
  }

  @ParameterizedTest
  @CsvSource({
      "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko, 6.1.0-13-amd64",
      "usr/lib/modules/6.6.7-arch1-1/vmlinuz, 6.6.7-arch1-1",
      "usr/lib/debug/lib/modules/5.14.0-362.el9.x86_64/vmlinux, 5.14.0-362.el9.x86_64",
      "boot/vmlinuz-6.1.0-13-amd64, 6.1.0-13-amd64",
      "usr/lib/debug/boot/vmlinux-6.1.0-13-amd64, 6.1.0-13-amd64",
      "boot/Image-6.1.0-13-arm64, 6.1.0-13-arm64",
      "boot/vmlinux-6.2.0.gz, 6.2.0",
      "boot/image-6.4.0-150600.21-default, 6.4.0-150600.21-default",
      "lib/modules/6.11.4-301.fc41.x86_64/vmlinuz-virt.efi, 6.11.4-301.fc41.x86_64",
      "boot/zImage-6.4.0-150600.21-lpae, 6.4.0-150600.21-lpae",
      "btf/5.4.0-1009-aws.btf, 5.4.0-1009-aws",
  })
  void takesTheReleaseFromThePath(String path, String release) {
    assertEquals(release, KernelFiles.releaseFromPath(path));
  }

  @Test
  void saysNothingWhenThePathHasNoRelease() {
    assertNull(KernelFiles.releaseFromPath("vmlinux"));
    assertNull(KernelFiles.releaseFromPath("boot/Image.gz"));
    assertNull(KernelFiles.releaseFromPath("vmlinux.btf"));
    assertNull(KernelFiles.releaseFromPath("lib/modules"));
  }

  /** A kernel file named as an input on its own is called what it would be inside a package. */
  @ParameterizedTest
  @CsvSource({
      "home/me/src/af_key.ko, af_key.ko",
      "boot/vmlinuz-6.1.0-13-amd64, vmlinuz-6.1.0-13-amd64",
      "mnt/image/boot/image-6.4.0-150600.21-default, boot/image-6.4.0-150600.21-default",
      "usr/lib/modules/6.11.4-301.fc41.x86_64/vmlinuz, lib/modules/6.11.4-301.fc41.x86_64/vmlinuz",
      "lib/modules/6.1.0-13-amd64/kernel/net/key/af_key.ko.xz, lib/modules/6.1.0-13-amd64/kernel/net/key/af_key.ko.xz",
      "sys/kernel/btf/vmlinux, vmlinux",
      "srv/btfhub/5.4.0-1009-aws.btf.xz, 5.4.0-1009-aws.btf.xz",
      "af_key.ko, af_key.ko",
  })
  void namesALoneKernelFileAsAPackageWould(String path, String entry) {
    assertEquals(entry, KernelFiles.loneEntryPath(path));
  }

  @Test
  void aLoneFileThatIsNoKernelFileHasNoEntryPath() {
    assertNull(KernelFiles.loneEntryPath("home/me/notes.txt"));
    assertNull(KernelFiles.loneEntryPath("vmlinuz")); // neither in boot/ nor in a module directory
    assertNull(KernelFiles.loneEntryPath("lib/modules/6.1.0-13-amd64/modules.dep"));
    assertNull(KernelFiles.loneEntryPath(""));
  }
}
