package dev.btfscan.btf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bpftool btf dump} (Debian's 7.1) on blobs, for tests that compare with it. */
final class Bpftool {
  static final Path PATH = Path.of("/usr/sbin/bpftool");

  private Bpftool() {}

  static boolean available() {
    return Files.isExecutable(PATH);
  }

  /** {@code bpftool btf dump [-B base] file blob}: its standard output, failing on a non-zero exit. */
  static String dump(Path dir, byte[] blob, byte[] base) throws IOException, InterruptedException {
    Path file = Files.write(Files.createTempFile(dir, "blob", ".btf"), blob);
    List<String> cmd = new ArrayList<>(List.of(PATH.toString(), "btf", "dump"));
    if (base != null) {
      cmd.add("-B");
      cmd.add(Files.write(Files.createTempFile(dir, "base", ".btf"), base).toString());
    }
    cmd.add("file");
    cmd.add(file.toString());
    Path err = Files.createTempFile(dir, "bpftool", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("bpftool timed out: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("bpftool exited " + p.exitValue() + ": " + Files.readString(err));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
