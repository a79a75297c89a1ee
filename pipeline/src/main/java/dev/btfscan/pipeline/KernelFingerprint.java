package dev.btfscan.pipeline;

import dev.btfscan.analysis.KnownKernel;
import dev.btfscan.btf.BtfHeader;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.transforms.KernelBtf;

/** A scanned vmlinux's (type count, string length): what a split module built on it carries. */
final class KernelFingerprint {
  private KernelFingerprint() {}

  static KnownKernel of(KernelBtf k) {
    try {
      var btf = BtfParser.parse(k.btf());
      return new KnownKernel(k.release(), k.source(), btf.typeCount(), btf.stringsLength());
    } catch (BtfFormatException e) {
      // ExtractKernelBtfFn only emits BTF it could parse; a header read keeps this total anyway.
      try {
        BtfHeader h = BtfHeader.parse(k.btf(), 0, k.btf().length);
        return new KnownKernel(k.release(), k.source(), -1, h.strLen());
      } catch (BtfFormatException e2) {
        return new KnownKernel(k.release(), k.source(), -1, -1);
      }
    }
  }
}
