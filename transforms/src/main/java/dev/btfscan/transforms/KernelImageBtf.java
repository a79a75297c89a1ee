package dev.btfscan.transforms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.sink.BlobPaths;
import dev.btfscan.report.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Gets the vmlinux BTF out of one kernel image (any format {@link BtfFiles} knows) and builds its
 * {@code kernels.jsonl} row. An image that yields no BTF still gets a row saying why.
 *
 * @param row the {@code kernels.jsonl} row
 * @param kernel the BTF, or {@code null} when there is none or its release is unknown
 * @param blobPath where to write {@code kernel}'s raw BTF, or {@code null}
 * @param withoutBtf for an image of a known release that gave no BTF, where it is and why (its
 *     first problem), for the modules of that release; otherwise {@code null}
 */
record KernelImageBtf(ObjectNode row, KernelBtf kernel, String blobPath, StoredKernelImage.WithoutBtf withoutBtf) {

  static KernelImageBtf extract(KernelFile f, DecompressionCaps caps) {
    ObjectNode row = Json.object();
    row.put("package", f.packageName());
    row.put("path", f.path());
    List<String> problems = new ArrayList<>(f.problems());
    String release = f.release() == null ? "" : f.release();
    KernelBtf kernel = null;
    String blob = null;
    try {
      if (f.bytes() == null) {
        throw new java.io.IOException("not read");
      }
      KernelImageCache.Extracted extracted = KernelImageCache.load(f.bytes(), caps);
      BtfFiles.Found image = extracted.found();
      String banner = image.release();
      if (banner != null && !banner.isEmpty()) {
        if (!release.isEmpty() && !release.equals(banner)) {
          problems.add("image release " + banner + " disagrees with the path's release " + release);
        }
        release = banner;
      }
      byte[] raw = image.btf();
      Btf btf = BtfParser.parse(raw);
      String sha = extracted.btfSha256();
      blob = BlobPaths.of(release, f.packageName(), f.path());
      row.put("release", release);
      row.put("arch", image.arch());
      row.put("format", image.format());
      row.put("types", btf.typeCount());
      row.put("strings", btf.stringsLength());
      row.put("sha256", sha);
      row.put("blob", blob);
      if (release.isEmpty()) {
        problems.add("kernel release unknown (neither the path nor the image tells): no module can be matched with it");
      }
      kernel = KernelBtf.inMemory(release, f.packageName() + ":" + f.path(), sha, btf.typeCount(), btf.stringsLength(), raw,
          f.entry());
    } catch (Exception e) {
      row.put("release", release);
      row.putNull("arch");
      row.putNull("format");
      row.putNull("types");
      row.putNull("strings");
      row.putNull("sha256");
      row.putNull("blob");
      problems.add(ModuleAnalysis.describe(e));
    }
    ArrayNode p = row.putArray("problems");
    problems.forEach(p::add);
    StoredKernelImage.WithoutBtf withoutBtf = kernel != null || release.isEmpty() ? null
        : new StoredKernelImage.WithoutBtf(release, f.path() + " in " + f.packageName() + ": "
            + (problems.isEmpty() ? "no BTF found" : problems.get(0)));
    return new KernelImageBtf(row, kernel, blob, withoutBtf);
  }

  /** The BTF modules can be matched with: there is some, and its release is known. */
  KernelBtf matchable() {
    return kernel != null && !kernel.release().isEmpty() ? kernel : null;
  }
}
