package dev.btfscan.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.pkg.KernelFileKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.junit.jupiter.api.Test;

class ElementCodersTest {
  static final KernelFile MODULE = new KernelFile("linux.deb", "lib/modules/6.1.0/kernel/fs/xfs.ko", "./lib/modules/6.1.0/kernel/fs/xfs.ko",
      KernelFileKind.MODULE, "6.1.0", null, 3, true, new byte[] {1, 2, 3}, List.of("duplicate entry name in package"), 41);
  static final KernelFile UNREAD = new KernelFile("linux.deb", "boot/vmlinuz-6.1.0", "boot/vmlinuz-6.1.0",
      KernelFileKind.KERNEL_IMAGE, null, "'..' escapes the package root", 1L << 40, false, null, List.of(), 0);
  static final PackageSummary SUMMARY = new PackageSummary("linux.deb", "/data/linux.deb", "deb", 12, 3, 1,
      List.of("truncated after 12 entries at offset 4096: x".repeat(3000)));

  @Test
  void kernelFileRoundTripsIncludingNullsAndLongStrings() throws Exception {
    KernelFile digest = UNREAD.withDigest(new byte[] {9, 8});
    for (KernelFile f : List.of(MODULE, UNREAD, digest)) {
      byte[] encoded = CoderUtils.encodeToByteArray(KernelFileCoder.of(), f);
      assertEquals(f, CoderUtils.decodeFromByteArray(KernelFileCoder.of(), encoded));
      // deterministic: the same value always gives the same bytes
      assertArrayEquals(encoded, CoderUtils.encodeToByteArray(KernelFileCoder.of(), CoderUtils.clone(KernelFileCoder.of(), f)));
    }
    assertTrue(CoderUtils.clone(KernelFileCoder.of(), digest).isDigest());
    assertFalse(CoderUtils.clone(KernelFileCoder.of(), UNREAD).isDigest());
  }

  @Test
  void summaryRoundTripsNestedInAKv() throws Exception {
    KvCoder<String, PackageSummary> coder = KvCoder.of(StringUtf8Coder.of(), PackageSummaryCoder.of());
    KV<String, PackageSummary> kv = KV.of("k", SUMMARY);
    assertEquals(kv, CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, kv)));
  }

  @Test
  void codersAreDeterministicAndFoundByTheRegistry() throws Exception {
    KernelFileCoder.of().verifyDeterministic();
    PackageSummaryCoder.of().verifyDeterministic();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    Coder<KernelFile> found = p.getCoderRegistry().getCoder(TypeDescriptor.of(KernelFile.class));
    assertEquals(KernelFileCoder.class, found.getClass());
    assertEquals(PackageSummaryCoder.class,
        p.getCoderRegistry().getCoder(TypeDescriptor.of(PackageSummary.class)).getClass());
  }

  @Test
  void moduleNameFollowsTheKernelsSpelling() {
    KernelFile f = new KernelFile("p", "lib/modules/6.1/kernel/hid-generic.ko.xz", "x", KernelFileKind.MODULE, "6.1", null, 0,
        false, "x".getBytes(StandardCharsets.US_ASCII), List.of(), 0);
    assertEquals("hid_generic", f.moduleName());
  }
}
