package dev.btfscan.pipeline;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, for tests of report.html: one process per call, a fresh profile
 * each time, nothing fetched (background networking, component updates and sync off).
 * fixtures/scripts/install-tools.sh installs it.
 */
final class Chromium {
  private static final List<String> NAMES = List.of("chromium", "chromium-browser");
  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;
  private final Path work;

  private Chromium(Path binary, Path work) {
    this.binary = binary;
    this.work = work;
  }

  /** Chromium on PATH, or empty when it is not installed. */
  static Optional<Chromium> find(Path work) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(new Chromium(p, work));
        }
      }
    }
    return Optional.empty();
  }

  /** The DOM after load (and after the page's own scripts ran) of {@code url}. */
  String dumpDom(String url, String... extraFlags) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(extraFlags));
    args.add("--dump-dom");
    args.add(url);
    return run(args);
  }

  /** Writes a PNG of {@code url} as a {@code width} x {@code height} window to {@code png}. */
  void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars", url));
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--user-data-dir=" + profile));
    cmd.addAll(args);
    Path out = Files.createTempFile(work, "chromium", ".out");
    Path err = Files.createTempFile(work, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited " + p.exitValue() + ": " + cmd + "\n" + Files.readString(err, StandardCharsets.UTF_8));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
