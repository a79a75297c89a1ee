package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unpacked tree is read like an archive: a symlink is a row that names its target and is never
 * followed (a {@code loop -> ..} is not walked, a link to {@code /etc/passwd} not read), a fifo
 * named like a module is a row and is never opened. A package a mirror directory holds as a
 * symlink is still read as that package. (Made at test time: git keeps no fifos.)
 */
class HostileTreeScanTest {
  private static final String RELEASE = "6.1.0-53-cloud-amd64";
  private static final String DEB = "packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb";

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void everyModuleNameInATreeIsOneRowAndNoLinkIsFollowed() throws Exception {
    Path root = tmp.resolve("root");
    Path kernel = Files.createDirectories(root.resolve("lib/modules/" + RELEASE + "/kernel"));
    Files.copy(Fixtures.path("modules/" + RELEASE + "/af_key.ko"), kernel.resolve("af_key.ko"));
    Files.createSymbolicLink(kernel.resolve("link.ko"), Path.of("af_key.ko"));
    Files.createSymbolicLink(kernel.resolve("passwd.ko"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(kernel.resolve("loop"), Path.of(".."));
    assertEquals(0, new ProcessBuilder("mkfifo", kernel.resolve("fifo.ko").toString()).start().waitFor());
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(root.toString()), out));

    String k = "lib/modules/" + RELEASE + "/kernel/";
    assertEquals(Map.of(
        k + "af_key.ko", "no-vmlinux -",
        k + "fifo.ko", "invalid not a regular file (a fifo, socket or device): never opened, no module bytes",
        k + "link.ko", "invalid symbolic link to 'af_key.ko': not followed, no module bytes",
        k + "passwd.ko", "invalid symbolic link to '/etc/passwd': not followed, no module bytes"), rows(out));
  }

  /**
   * A fifo or a device named as an input package is a package row and is never opened: the fifo
   * would block the reader for ever (the scan hung), /dev/zero would never end.
   */
  @Test
  @Timeout(120)
  void aFifoOrADeviceNamedAsAPackageIsAProblemRowNotAHang() throws Exception {
    Path fifo = tmp.resolve("kernel.deb");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(fifo.toString(), "/dev/zero", Fixtures.path(DEB).toString()), out));

    Map<String, String> problems = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.PACKAGES)) {
      JsonNode p = Json.parse(line);
      problems.put(p.path("location").asText(), p.path("problems").toString());
    }
    String never = "[\"not a regular file (a fifo, socket or device): never opened\"]";
    assertEquals(never, problems.get(fifo.toString()), problems.toString());
    assertEquals(never, problems.get("/dev/zero"), problems.toString());
    assertEquals("[]", problems.get(Fixtures.path(DEB).toString()), "the real package beside them is read");
    assertEquals(3, rows(out).size());
  }

  @Test
  void aSymlinkedPackageInAMirrorDirectoryIsReadAsThatPackage() throws Exception {
    Path pool = Files.createDirectories(tmp.resolve("pool"));
    Path deb = Files.copy(Fixtures.path(DEB), pool.resolve(Fixtures.path(DEB).getFileName()));
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    Files.createSymbolicLink(mirror.resolve(deb.getFileName()), deb);
    Files.createSymbolicLink(mirror.resolve("build"), Path.of("/usr/src/nowhere"));
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(mirror.toString()), out));

    // the deb's three modules, and no tree package for the stray link beside it
    assertEquals(3, rows(out).size(), rows(out).toString());
    assertEquals(1, ScanFixtures.lines(out, ScanPipeline.PACKAGES).size(),
        ScanFixtures.lines(out, ScanPipeline.PACKAGES).toString());
  }

  @Test
  void aTreeNamedThroughASymlinkIsReadAndAnEmptyDirectoryIsReported() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real/lib/modules/" + RELEASE + "/kernel"));
    Files.copy(Fixtures.path("modules/" + RELEASE + "/af_key.ko"), real.resolve("af_key.ko"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(link.toString(), empty + "/"), out));

    assertEquals(Map.of("lib/modules/" + RELEASE + "/kernel/af_key.ko", "no-vmlinux -"), rows(out));
    List<String> packages = ScanFixtures.lines(out, ScanPipeline.PACKAGES);
    assertEquals(2, packages.size(), packages.toString());
    JsonNode emptyRow = Json.parse(packages.stream().filter(l -> l.contains("\"empty\"")).findFirst().orElseThrow());
    assertEquals("directory holds no file: " + empty + "/", emptyRow.path("problems").get(0).asText());
  }

  /**
   * File names are bytes; Java sees them through the locale's charset. A module whose name is no
   * UTF-8 (here the byte 0xff) is still read from the tree, shown with U+FFFD; a package file whose
   * name the JVM cannot name again is a package row saying so, not a missing package.
   */
  @Test
  void aNameThatIsNoUtf8IsReadFromATreeAndAPackageSoNamedSaysWhyItIsNotRead() throws Exception {
    Path kernel = Files.createDirectories(tmp.resolve("root/lib/modules/" + RELEASE + "/kernel"));
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    // Java cannot create such names (its strings have no 0xff byte to give), the shell can
    String made = "cp \"$1\" \"$3/af$(printf '\\377').ko\" && cp \"$2\" \"$4/image-$(printf '\\377').deb\"";
    Process cp = new ProcessBuilder("sh", "-c", made, "sh", Fixtures.path("modules/" + RELEASE + "/af_key.ko").toString(),
        Fixtures.path(DEB).toString(), kernel.toString(), mirror.toString()).inheritIO().start();
    org.junit.jupiter.api.Assumptions.assumeTrue(cp.waitFor() == 0, "this filesystem refuses names that are no UTF-8");
    Path out = tmp.resolve("out");

    ScanFixtures.runFast(ScanFixtures.config(List.of(tmp.resolve("root").toString(), mirror.toString()), out));

    assertEquals(Map.of("lib/modules/" + RELEASE + "/kernel/af\uFFFD.ko", "no-vmlinux -"), rows(out));
    JsonNode image = Json.parse(ScanFixtures.lines(out, ScanPipeline.PACKAGES).stream()
        .filter(l -> l.contains("image-")).findFirst().orElseThrow());
    String problem = image.path("problems").get(0).asText();
    assertTrue(problem.contains("its name cannot be turned back into the file's bytes in this JVM's file-name encoding"),
        problem);
  }

  /** path -> "verdict first-problem" ("-": none) of every modules.jsonl row. */
  private static Map<String, String> rows(Path out) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    for (String line : ScanFixtures.lines(out, ScanPipeline.MODULES)) {
      JsonNode m = Json.parse(line);
      JsonNode problems = m.path("problems");
      String first = problems.size() == 0 ? "-" : problems.get(0).asText();
      if (m.path("verdict").asText().equals("no-vmlinux")) {
        first = "-"; // its problem says there is no vmlinux, which is not what this test is about
      }
      String previous = rows.put(m.path("path").asText(), m.path("verdict").asText() + " " + first);
      assertEquals(null, previous, "two rows for " + m.path("path").asText());
    }
    return rows;
  }
}
