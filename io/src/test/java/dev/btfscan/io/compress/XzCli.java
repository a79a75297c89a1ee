package dev.btfscan.io.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The xz tool run by the tests themselves, to make inputs the way real packagers do. */
public final class XzCli {
  private XzCli() {}

  /**
   * {@code xz -c -q ARGS} of {@code data}, written by the tool at {@code executable}, via a file
   * under {@code tmp}; the test is skipped when the tool cannot run.
   */
  public static byte[] compress(String executable, Path tmp, byte[] data, String... args) throws Exception {
    Path in = Files.createTempFile(tmp, "plain", "");
    Files.write(in, data);
    List<String> cmd = new ArrayList<>(List.of(executable, "-c", "-q"));
    cmd.addAll(List.of(args));
    cmd.add(in.toString());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      Assumptions.abort(executable + " cannot run: " + e.getMessage());
      return null;
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "xz " + cmd);
    Files.delete(in);
    return out;
  }
}
