package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.KernelFile;
import dev.btfscan.io.pkg.KernelFileKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module waiting for the side input keeps its bytes in a scratch file, and gets them back exactly. */
class WaitingModuleTest {
  @TempDir Path out;

  private static KernelFile module(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return new KernelFile("kernel-modules.rpm", "lib/modules/6.1.0/kernel/x.ko", "./lib/modules/6.1.0/kernel/x.ko",
        KernelFileKind.MODULE, "6.1.0", null, size, false, bytes, List.of("a problem it had"), 17);
  }

  @Test
  void aWaitingModuleTravelsAsAReferenceAndComesBackAsRead() {
    KernelFile m = module(300_000);
    byte[] digest = WaitingModule.digester(new BlobWriter(out.toString())).apply(m);
    assertTrue(digest.length < 300, "a digest of " + digest.length + " bytes");
    KernelFile waiting = m.withDigest(digest);
    assertTrue(waiting.isDigest());

    KernelFile restored = WaitingModule.restore(waiting);
    assertFalse(restored.isDigest());
    assertEquals(m, restored);
    assertArrayEquals(m.bytes(), restored.bytes());
  }

  @Test
  void aSmallModuleWaitsInMemory() {
    assertNull(WaitingModule.digester(new BlobWriter(out.toString())).apply(module(WaitingModule.MIN_BYTES - 1)));
    assertFalse(Files.exists(out.resolve(WaitingModule.SCRATCH)));
  }

  @Test
  void aScratchFileThatShrankFailsTheRunNotTheModule() throws Exception {
    assertRestoreFailsOnceTheScratchFileIs(bytes -> new byte[] {1, 2, 3});
  }

  @Test
  void aScratchFileWithOneByteChangedFailsTheRunNotTheModule() throws Exception {
    assertRestoreFailsOnceTheScratchFileIs(bytes -> {
      bytes[1234] ^= 0x10; // the same length: the checksum tells
      return bytes;
    });
  }

  @Test
  void aScratchFileThatGrewFailsTheRunNotTheModule() throws Exception {
    // read back into an array of the length it was written with: a longer file is not it either
    assertRestoreFailsOnceTheScratchFileIs(bytes -> java.util.Arrays.copyOf(bytes, bytes.length + 1));
  }

  /** A waiting module's scratch file rewritten as {@code changed} makes its restore fail the run. */
  private void assertRestoreFailsOnceTheScratchFileIs(java.util.function.UnaryOperator<byte[]> changed)
      throws Exception {
    KernelFile m = module(4096);
    KernelFile waiting = m.withDigest(WaitingModule.digester(new BlobWriter(out.toString())).apply(m));
    try (var files = Files.list(out.resolve(WaitingModule.SCRATCH))) {
      java.nio.file.Path scratch = files.findFirst().orElseThrow();
      Files.write(scratch, changed.apply(Files.readAllBytes(scratch)));
    }
    StoredBytes.Unreadable e = assertThrows(StoredBytes.Unreadable.class, () -> WaitingModule.restore(waiting));
    assertTrue(e.getMessage().contains("no longer holds"), e.getMessage());
  }
}
