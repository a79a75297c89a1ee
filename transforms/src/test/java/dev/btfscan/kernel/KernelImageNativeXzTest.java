package dev.btfscan.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The fixture kernel image whose payload is xz gives the same BTF, and damaged copies the same
 * error, whether the payload is decoded by the xz tool (threshold lowered to take the small fixture)
 * or in pure Java.
 */
class KernelImageNativeXzTest {
  private static final String NATIVE = "btfscan.xz.native";
  private static final String MIN = "btfscan.xz.native.minBytes";

  private static <T> T with(String nativeMode, Callable<T> body) throws Exception {
    String before = System.getProperty(NATIVE);
    String beforeMin = System.getProperty(MIN);
    System.setProperty(NATIVE, nativeMode);
    System.setProperty(MIN, "0");
    try {
      return body.call();
    } finally {
      restore(NATIVE, before);
      restore(MIN, beforeMin);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private static String outcome(byte[] image) {
    try {
      KernelImage k = KernelImage.read(image);
      return "btf " + java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(k.btf())) + " " + k.format() + " " + k.arch();
    } catch (Exception e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  @Test
  void theXzFixtureGivesTheSameBtfAndTheSameErrorsWithTheToolOnAndOff() throws Exception {
    assumeTrue(new ProcessBuilder("xz", "--version").start().waitFor() == 0, "no xz tool");
    byte[] image = Fixtures.bytes("kernels/images/bzImage-xz");
    String java = with("false", () -> outcome(image));
    assertEquals(java, with("auto", () -> outcome(image)));
    assertEquals(true, java.startsWith("btf "), java);
    assertArrayEquals(with("false", () -> KernelImage.read(image).btf()), with("auto", () -> KernelImage.read(image).btf()));
    Random r = new Random(17);
    for (int i = 0; i < 40; i++) {
      byte[] bad = image.clone();
      int at = r.nextInt(bad.length);
      bad[at] ^= (byte) (1 << r.nextInt(8));
      assertEquals(with("false", () -> outcome(bad)), with("auto", () -> outcome(bad)), "flip at " + at);
    }
  }
}
