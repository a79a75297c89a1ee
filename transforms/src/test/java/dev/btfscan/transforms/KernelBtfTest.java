package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BtfBuilder;
import dev.btfscan.btf.BtfKind;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vmlinux travels to the modules by reference to its blob; its bytes come back checked. */
class KernelBtfTest {
  @TempDir Path out;

  static byte[] vmlinuxWithInt(String name) {
    return vmlinuxWithInts(name, 1);
  }

  static byte[] vmlinuxWithInts(String name, int count) {
    BtfBuilder b = new BtfBuilder(null);
    for (int i = 0; i < count; i++) {
      b.addType(new int[] {b.addString(name + i), BtfKind.INT.code() << 24, 4, 1 << 24 | 32});
    }
    return b.build(ByteOrder.LITTLE_ENDIAN);
  }

  static KernelBtf inMemory(String release, byte[] btf) {
    return KernelBtf.inMemory(release, "pkg.deb:boot/vmlinuz-" + release, Sha256.hex(btf), 1, 5, btf, 3);
  }

  @Test
  void theSideInputFormCarriesNoBytesAndReadsThemBackFromTheBlob() throws Exception {
    byte[] btf = vmlinuxWithInts("int", 2000);
    String blob = new BlobWriter(out.toString()).write("blobs/6.1.0/pkg.deb/boot/vmlinuz-6.1.0.btf", btf);
    KernelBtf stored = inMemory("6.1.0", btf).storedAt(blob);

    assertNull(stored.btf());
    byte[] wire = CoderUtils.encodeToByteArray(KernelBtf.Coder.INSTANCE, stored);
    assertTrue(wire.length < 200 + blob.length(), "the side input's element is a reference, not " + wire.length + " bytes");
    KernelBtf decoded = CoderUtils.decodeFromByteArray(KernelBtf.Coder.INSTANCE, wire);
    assertEquals(blob, decoded.blob());
    assertEquals(3, decoded.entry());
    assertArrayEquals(btf, decoded.bytes());
  }

  @Test
  void theInMemoryFormRoundTripsWithItsBytes() throws Exception {
    byte[] btf = vmlinuxWithInt("int");
    KernelBtf k = inMemory("6.1.0", btf);
    KernelBtf decoded = CoderUtils.decodeFromByteArray(KernelBtf.Coder.INSTANCE,
        CoderUtils.encodeToByteArray(KernelBtf.Coder.INSTANCE, k));
    assertArrayEquals(btf, decoded.bytes());
    assertNull(decoded.blob());
    assertEquals(k.sha256(), decoded.sha256());
  }

  @Test
  void aSourceOfAnyLengthRoundTrips() throws Exception {
    // package:path, as long as an archive's entry name makes it: past writeUTF's 64 KB
    byte[] btf = vmlinuxWithInt("int");
    String source = "pkg.tar:" + "d/".repeat(40_000) + "vmlinuz-6.1.0";
    KernelBtf k = KernelBtf.inMemory("6.1.0", source, Sha256.hex(btf), 1, 5, btf, 3);
    KernelBtf decoded = CoderUtils.decodeFromByteArray(KernelBtf.Coder.INSTANCE,
        CoderUtils.encodeToByteArray(KernelBtf.Coder.INSTANCE, k));
    assertEquals(source, decoded.source());
    assertArrayEquals(btf, decoded.bytes());
  }

  @Test
  void aBlobThatChangedOrVanishedFailsTheRunNotAModule() throws Exception {
    byte[] btf = vmlinuxWithInt("int");
    String blob = new BlobWriter(out.toString()).write("blobs/v.btf", btf);
    KernelBtf stored = inMemory("6.1.0", btf).storedAt(blob);

    Files.write(Path.of(blob), vmlinuxWithInt("lnt"));
    StoredBytes.Unreadable changed = assertThrows(StoredBytes.Unreadable.class, stored::bytes);
    assertTrue(changed.getMessage().contains("no longer holds"), changed.getMessage());

    Files.delete(Path.of(blob));
    StoredBytes.Unreadable gone = assertThrows(StoredBytes.Unreadable.class, stored::bytes);
    assertTrue(gone.getMessage().contains("cannot read back"), gone.getMessage());
  }

  @Test
  void aKernelBtfIsInMemoryOrInABlobExactlyOne() {
    assertThrows(IllegalArgumentException.class, () -> new KernelBtf("r", "s", "x", 1, 1, null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new KernelBtf("r", "s", "x", 1, 1, new byte[1], "/b", 0));
  }
}
