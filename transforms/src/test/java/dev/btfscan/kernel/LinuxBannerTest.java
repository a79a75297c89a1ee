package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinuxBannerTest {
  private static Optional<String> release(String s) {
    return LinuxBanner.release(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void takesTheReleaseTokenAfterLinuxVersion() {
    assertEquals(Optional.of("6.1.0-53-cloud-amd64"),
        release("\0\0Linux version 6.1.0-53-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP\0"));
  }

  @Test
  void skipsFormatStringsAndProseThatStartTheSameWay() {
    assertEquals(Optional.of("5.14.0-503.el9.x86_64"),
        release("Linux version %s (%s)\0Linux version is too old\0Linux version 5.14.0-503.el9.x86_64 (mockbuild@)"));
  }

  @Test
  void acceptsReleaseCharactersUsedByDistributions() {
    assertEquals(Optional.of("6.12.9+deb13~bpo12-amd64_x"), release("Linux version 6.12.9+deb13~bpo12-amd64_x #1"));
  }

  @Test
  void rejectsTokenLongerThanUtsReleaseAllows() {
    assertEquals(Optional.empty(), release("Linux version 6" + "x".repeat(70) + " #1"));
  }

  @Test
  void rejectsTokenThatRunsToTheEndOfTheData() {
    assertEquals(Optional.empty(), release("Linux version 6.1.0"));
  }
}
