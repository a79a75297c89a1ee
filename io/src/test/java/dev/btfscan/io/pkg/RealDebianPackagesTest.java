package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams whole Debian linux-image packages fetched by fixtures/scripts/fetch-debian.sh into the
 * cache (outside the repo). Run with -Pintegration.
 */
@Tag("integration")
class RealDebianPackagesTest {
  private static final Pattern RELEASE = Pattern.compile("linux-image-(.+?)(?:-unsigned)?_.*\\.deb");

  static Stream<Path> debs() throws IOException {
    Path dir = Fixtures.cache().resolve("debian");
    if (!Files.isDirectory(dir)) {
      return Stream.of(dir.resolve("none"));
    }
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> debs = list.filter(p -> p.toString().endsWith(".deb")).sorted().collect(Collectors.toList());
      return debs.isEmpty() ? Stream.of(dir.resolve("none")) : debs.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("debs")
  void streamsEveryModuleAndTheKernelImage(Path deb) throws IOException {
    assumeTrue(Files.isRegularFile(deb), "no Debian packages in " + deb.getParent());
    Matcher m = RELEASE.matcher(deb.getFileName().toString());
    assertTrue(m.matches(), deb.toString());
    String release = m.group(1);
    Set<String> releases = new TreeSet<>();
    long[] counts = new long[3]; // modules, images, module bytes
    List<String> unsafe = new java.util.ArrayList<>();
    long start = System.nanoTime();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(deb))) {
      assertEquals(PackageFormat.DEB, PackageReader.read(deb.getFileName().toString(), in, (entry, content) -> {
        if (entry.unsafeReason() != null) {
          unsafe.add(entry.rawName() + ": " + entry.unsafeReason());
        }
        KernelFileKind kind = KernelFiles.classify(entry.path());
        if (kind == KernelFileKind.MODULE) {
          counts[0]++;
          counts[2] += content.readAllBytes().length;
          releases.add(KernelFiles.releaseFromPath(entry.path()));
        } else if (kind == KernelFileKind.KERNEL_IMAGE) {
          counts[1]++;
          releases.add(KernelFiles.releaseFromPath(entry.path()));
        }
      }));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%s: %d modules (%d MiB), %d images, %d ms%n", deb.getFileName(), counts[0], counts[2] >> 20,
        counts[1], millis);
    assertTrue(counts[0] > 500, "modules: " + counts[0]);
    assertTrue(counts[1] >= 1, "kernel images: " + counts[1]);
    assertEquals(Set.of(release), releases);
    // dpkg-deb stores ./lib/modules/...: a real package has no unsafe name
    assertEquals(List.of(), unsafe);
  }
}
