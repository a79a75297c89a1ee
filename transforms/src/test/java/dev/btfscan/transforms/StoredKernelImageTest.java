package dev.btfscan.transforms;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.report.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image's work done in the reader gives the kernel step exactly what doing it there would. */
class StoredKernelImageTest {
  private static final String R53 = "6.1.0-53-cloud-amd64";

  @TempDir Path out;

  private static KernelFile image(String path, byte[] bytes) {
    return new KernelFile("p.deb", path, path, KernelFileKind.KERNEL_IMAGE, R53, null, bytes.length, false, bytes,
        List.of(), 4);
  }

  @Test
  void theDigestCarriesTheRowAndABlobReferenceNotTheBtf() throws Exception {
    BlobWriter blobs = new BlobWriter(out.toString());
    KernelFile vmlinux = image("boot/vmlinux-" + R53 + ".btf.xz", Fixtures.bytes("kernels/" + R53 + ".btf.xz"));

    byte[] digest = ExtractKernelBtfFn.readerDigest(blobs, DecompressionCaps.DEFAULT).apply(vmlinux);
    StoredKernelImage inReader = StoredKernelImage.decode(digest);
    StoredKernelImage downstream = StoredKernelImage.of(vmlinux, blobs, DecompressionCaps.DEFAULT);

    assertEquals(downstream, inReader, "the same row, and the same reference to the same blob");
    assertTrue(digest.length < 2048, "a digest of " + digest.length + " bytes");
    KernelBtf k = inReader.matchable();
    assertNull(k.btf());
    assertEquals(95057, k.types());
    assertArrayEquals(Files.readAllBytes(Path.of(k.blob())), k.bytes());
    assertEquals(Json.parse(inReader.row()).path("sha256").asText(), k.sha256());
  }

  @Test
  void anImageWithoutBtfKeepsItsRowAndReasonInTheDigest() {
    BlobWriter blobs = new BlobWriter(out.toString());
    KernelFile junk = image("boot/vmlinuz-" + R53, "not a kernel".getBytes(StandardCharsets.UTF_8));
    StoredKernelImage inReader = StoredKernelImage.decode(ExtractKernelBtfFn.readerDigest(blobs, DecompressionCaps.DEFAULT).apply(junk));
    assertFalse(inReader.hasBtf());
    assertNull(inReader.matchable());
    assertEquals(StoredKernelImage.of(junk, blobs, DecompressionCaps.DEFAULT), inReader);
    assertFalse(Json.parse(inReader.row()).path("problems").isEmpty());
    // what the modules of its release are told: where it is and its first problem
    String why = Json.parse(inReader.row()).path("problems").path(0).asText();
    assertEquals(new StoredKernelImage.WithoutBtf(R53, "boot/vmlinuz-" + R53 + " in p.deb: " + why),
        inReader.withoutBtf());
  }

  @Test
  void anImageOfAnUnknownReleaseWithoutBtfTellsNoModule() {
    BlobWriter blobs = new BlobWriter(out.toString());
    KernelFile junk = new KernelFile("p.deb", "boot/vmlinuz", "boot/vmlinuz", KernelFileKind.KERNEL_IMAGE, null, null,
        3, false, "bad".getBytes(StandardCharsets.UTF_8), List.of(), 4);
    StoredKernelImage inReader = StoredKernelImage.decode(ExtractKernelBtfFn.readerDigest(blobs, DecompressionCaps.DEFAULT).apply(junk));
    assertFalse(inReader.hasBtf());
    assertNull(inReader.withoutBtf());
    assertEquals(StoredKernelImage.of(junk, blobs, DecompressionCaps.DEFAULT), inReader);
  }
}
