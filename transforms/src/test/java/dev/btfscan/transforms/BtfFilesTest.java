package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What `dump` and `--against` accept: any file that holds BTF, recognised by content. */
class BtfFilesTest {
  @Test
  void aCompressedModuleIsReadAsAModule() throws Exception {
    BtfFiles.Found f = BtfFiles.load(Fixtures.bytes("modules/6.1.0-53-cloud-amd64/af_key.ko.zst"));
    assertEquals("elf+zstd", f.format());
    assertEquals("6.1.0-53-cloud-amd64", f.release());
    assertArrayEquals(RealBtf.moduleBtf("modules/6.1.0-53-cloud-amd64/af_key.ko"), f.btf());
  }

  @Test
  void compressedRawBtfAndImagesGoToTheImageReader() throws Exception {
    assertEquals("raw.xz", BtfFiles.load(Fixtures.bytes("kernels/6.1.0-53-cloud-amd64.btf.xz")).format());
    assertEquals("Image.gz", BtfFiles.load(Fixtures.bytes("kernels/images/Image.gz")).format());
    assertEquals("elf", BtfFiles.load(Fixtures.bytes("kernels/images/vmlinux")).format());
    assertEquals("raw", BtfFiles.load(Fixtures.bytes("kernels/images/tiny.btf")).format());
    assertTrue(BtfFiles.load(Fixtures.bytes("kernels/images/bzImage-lz4")).format().startsWith("bzImage+lz4"));
  }

  @Test
  void aFileWithoutBtfSaysWhy() {
    IOException e = assertThrows(IOException.class, () -> BtfFiles.load("not a kernel".getBytes()));
    assertTrue(e.getMessage().startsWith("no BTF found: "), e.getMessage());
  }
}
