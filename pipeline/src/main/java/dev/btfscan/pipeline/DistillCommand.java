package dev.btfscan.pipeline;

import dev.btfscan.btf.BaseIndex;
import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfClassifier;
import dev.btfscan.btf.BtfForm;
import dev.btfscan.btf.BtfFormatException;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.btf.BtfValidator;
import dev.btfscan.btf.DedupNormalizer;
import dev.btfscan.btf.DistilledRelocator;
import dev.btfscan.btf.Distiller;
import dev.btfscan.btf.ValidationResult;
import dev.btfscan.elf.ModuleImage;
import dev.btfscan.transforms.BtfFiles;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code btf-scan distill MODULE --base VMLINUX --output DIR}: writes a distilled base for a
 * module, as {@code pahole --btf_features=distilled_base} does at build time, so the module's BTF
 * can be relocated onto other builds of its kernel. Writes {@code DIR/<module>.btf} (the new
 * {@code .BTF}) and {@code DIR/<module>.btf.base} (the {@code .BTF.base}).
 */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    description = {
      "Write a distilled base for MODULE's BTF (what pahole 1.28+ --btf_features=distilled_base does):",
      "DIR/<module>.btf (the new .BTF, split on the distilled base) and DIR/<module>.btf.base (.BTF.base).",
      "Split BTF must be split on VMLINUX; standalone BTF is first deduplicated against VMLINUX;",
      "a module that already has a .BTF.base is first relocated onto VMLINUX.",
      "Install them with e.g. objcopy --update-section .BTF=X.btf --add-section .BTF.base=X.btf.base."
    })
final class DistillCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODULE", description = "The module (.ko, .ko.xz, .ko.zst, .ko.gz) or its raw .BTF.")
  Path module;

  @Option(names = {"-B", "--base"}, required = true, paramLabel = "VMLINUX",
      description = "The vmlinux the module was built against (vmlinux ELF, kernel image or raw BTF).")
  Path base;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where to write the two files.")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Btf vmlinux = BtfParser.parse(BtfFiles.load(Files.readAllBytes(base)).btf());
    Btf split = splitOn(Files.readAllBytes(module), vmlinux, out);
    ValidationResult v = BtfValidator.validate(split);
    if (v.errorCount() > 0) {
      throw new IllegalArgumentException(module + ": its BTF is not valid on " + base + " (was it built against it?): " + v.errors().get(0));
    }
    Distiller.Result d = Distiller.distill(split);
    checkRelocatesBack(d, vmlinux);
    String name = moduleName(module);
    Files.createDirectories(output);
    Files.write(output.resolve(name + ".btf"), d.split());
    Files.write(output.resolve(name + ".btf.base"), d.base());
    out.printf("%s: .BTF.base %d types (%d bytes); .BTF %d own + %d copied vmlinux types (%d bytes) in %s%n",
        name, d.baseTypes(), d.base().length, d.ownTypes(), d.copiedTypes(), d.split().length, output);
    return 0;
  }

  /** The module's BTF as split BTF on {@code vmlinux}, whatever form it is in. */
  private Btf splitOn(byte[] file, Btf vmlinux, PrintStream out) throws Exception {
    byte[] btf;
    byte[] btfBase = null;
    try {
      ModuleImage image = ModuleImage.fromStored(file);
      btf = image.btf().orElseThrow(() -> new IllegalArgumentException(module + " has no .BTF section"));
      btfBase = image.btfBase().orElse(null);
      if (image.btfNotAsStored().isPresent()) {
        throw new IllegalArgumentException(module + ": " + image.btfNotAsStored().get());
      }
    } catch (dev.btfscan.elf.ElfFormatException e) {
      btf = BtfFiles.load(file).btf(); // raw BTF
    }
    Btf framed = BtfParser.parse(btf);
    if (btfBase != null) {
      Btf onDistilled = BtfParser.parse(btf, BtfParser.parse(btfBase));
      DistilledRelocator.Result r = DistilledRelocator.relocate(onDistilled, BaseIndex.of(vmlinux));
      if (!r.relocated()) {
        throw new IllegalArgumentException(module + ": has a .BTF.base that does not relocate onto " + base + ": " + r.failures());
      }
      out.println(module + ": has a .BTF.base; relocated onto " + base + " first");
      return BtfParser.parse(r.blob(), vmlinux);
    }
    if (BtfClassifier.classify(framed).form() == BtfForm.STANDALONE) {
      DedupNormalizer.Result r = DedupNormalizer.dedup(framed, BaseIndex.of(vmlinux));
      out.println(module + ": standalone BTF; deduplicated against " + base + " first (" + r.ownTypes() + " own types)");
      return BtfParser.parse(r.blob(), vmlinux);
    }
    return BtfParser.parse(btf, vmlinux);
  }

  /** What is written must relocate back onto the vmlinux it came from. */
  private static void checkRelocatesBack(Distiller.Result d, Btf vmlinux) throws BtfFormatException {
    Btf dist = BtfParser.parse(d.base());
    DistilledRelocator.Result r = DistilledRelocator.relocate(BtfParser.parse(d.split(), dist), BaseIndex.of(vmlinux));
    if (!r.relocated()) {
      throw new IllegalStateException("the distilled BTF does not relocate back onto its own vmlinux: " + r.failures());
    }
  }

  /** {@code af_key} for {@code .../af_key.ko.xz}. */
  static String moduleName(Path file) {
    String n = file.getFileName().toString();
    for (String ext : new String[] {".xz", ".zst", ".gz", ".ko", ".btf"}) {
      if (n.endsWith(ext)) {
        n = n.substring(0, n.length() - ext.length());
      }
    }
    return n;
  }
}
