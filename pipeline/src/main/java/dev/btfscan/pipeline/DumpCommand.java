package dev.btfscan.pipeline;

import dev.btfscan.btf.Btf;
import dev.btfscan.btf.BtfDumper;
import dev.btfscan.btf.BtfParser;
import dev.btfscan.transforms.BtfFiles;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code btf-scan dump FILE [--base FILE]}: bpftool's raw dump, for people debugging a module. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = {
      "Print the BTF of FILE in bpftool's raw format (as `bpftool btf dump [-B BASE] file FILE`).",
      "FILE and BASE may be a module (.ko, .ko.xz, .ko.zst, .ko.gz), a kernel image (bzImage with any",
      "payload compressor, arm64 Image/Image.gz, EFI zboot), a vmlinux ELF or raw BTF."
    })
final class DumpCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The file whose BTF to dump.")
  Path file;

  @Option(names = {"-B", "--base"}, paramLabel = "BASE", description = "The base for split BTF (a vmlinux, image or raw BTF).")
  Path base;

  @Override
  public Integer call() throws Exception {
    Btf baseBtf = base == null ? null : BtfParser.parse(BtfFiles.load(Files.readAllBytes(base)).btf());
    Btf btf = BtfParser.parse(BtfFiles.load(Files.readAllBytes(file)).btf(), baseBtf);
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
    BtfDumper.dump(btf, out);
    out.flush();
    return 0;
  }
}
