package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which files of an input directory are packages of their own (the rest make a tree package). */
class MatchPackagesFnTest {
  @ParameterizedTest
  @ValueSource(strings = {"linux-image-6.1.0-53-amd64_6.1.187-1_amd64.deb", "kernel-core-6.11.4-301.fc41.x86_64.rpm",
      "linux-6.12.1.arch1-1-x86_64.pkg.tar.zst", "linux-lts-6.6.63-r0.apk", "linux6.12-6.12.1_1.x86_64.xbps",
      "linux-image-6.8.0-49-generic-dbgsym_6.8.0-49.49_amd64.ddeb", "modules.TAR.XZ", "k.tgz", "k.tar.lz4"})
  void packageFilesAreReadOnTheirOwn(String name) {
    assertTrue(MatchPackagesFn.looksLikePackage("mirror/" + name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lib/modules/6.1.0/kernel/fs/xfs/xfs.ko", "boot/vmlinuz-6.1.0", "README", "x.deb.sig",
      "rpms.txt"})
  void otherFilesBelongToTheTree(String path) {
    assertFalse(MatchPackagesFn.looksLikePackage(path), path);
  }
}
