package dev.btfscan.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference reader: bpftool, run on files, as a kernel engineer would. */
final class BpftoolDump {
  private BpftoolDump() {}

  /** "KIND 'name'" of every type line of {@code bpftool btf dump [-B base] file f}, ids dropped. */
  static List<String> kindsAndNames(Path file, Path base) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bpftool", "btf", "dump"));
    if (base != null) {
      cmd.addAll(List.of("-B", base.toString()));
    }
    cmd.addAll(List.of("file", file.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> out = new ArrayList<>();
    for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("[")) {
        String[] f = line.split(" ", 4);
        out.add(f[1] + " " + f[2]);
      }
    }
    if (p.waitFor() != 0) {
      throw new IOException("bpftool failed on " + file + ": " + out);
    }
    return out;
  }

  /** Extracts one module from a .deb with dpkg-deb and returns its file (a module is an ELF: bpftool reads .BTF). */
  static Path extractModuleBtf(String deb, String path, Path tmp) throws IOException, InterruptedException {
    Path dir = tmp.resolve("x-" + Integer.toHexString(deb.hashCode()));
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder("dpkg-deb", "-x", deb, dir.toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException("dpkg-deb -x " + deb + " failed");
      }
    }
    return dir.resolve(path);
  }
}
