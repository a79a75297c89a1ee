package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The xz tool run by the tests themselves, to make inputs the way real packagers do. */
final class XzCli {
  private XzCli() {}

  /** {@code xz -c -q ARGS} of {@code data}, written by the tool at {@code executable}, via a file under {@code tmp}. */
  static byte[] compress(String executable, Path tmp, byte[] data, String... args) throws Exception {
    Path in = Files.createTempFile(tmp, "plain", "");
    Files.write(in, data);
    List<String> cmd = new ArrayList<>(List.of(executable, "-c", "-q"));
    cmd.addAll(List.of(args));
    cmd.add(in.toString());
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "xz " + cmd);
    Files.delete(in);
    return out;
  }
}
