package dev.btfscan.io.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.fixtures.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the packages built by fixtures/scripts/make-fixtures.sh (rpmbuild, dpkg-deb, makepkg-style
 * tar). Skipped when the fixtures directory has no packages (e.g. in a worktree without them).
 */
class FixturePackagesTest {
  static Path packagesDir() {
    String dir = System.getProperty("btfscan.fixtures");
    return dir == null ? Path.of("/nonexistent") : Fixtures.dir().resolve("packages");
  }

  static Stream<Path> packages() throws IOException {
    Path dir = packagesDir();
    if (!Files.isDirectory(dir)) {
      // JUnit 5.11 rejects an empty source; one placeholder is skipped by the assumption below.
      return Stream.of(dir.resolve("none"));
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList()).stream();
    }
  }

  @Test
  void fixturesArePresentOrTheSuiteSaysSo() {
    assumeTrue(Files.isDirectory(packagesDir()), "no fixture packages at " + packagesDir());
  }

  @ParameterizedTest
  @MethodSource("packages")
  void readsEveryFixturePackageCompletely(Path pkg) throws IOException {
    assumeTrue(Files.isRegularFile(pkg), "no fixture packages at " + packagesDir());
    RecordingKinds v = new RecordingKinds();
    PackageFormat format;
    try (InputStream in = Files.newInputStream(pkg)) {
      format = PackageReader.read(pkg.getFileName().toString(), in, v);
    }
    String name = pkg.getFileName().toString();
    assertEquals(name.endsWith(".rpm") ? PackageFormat.RPM : name.endsWith(".deb") ? PackageFormat.DEB : PackageFormat.TAR,
        format);
    assertFalse(v.byKind.getOrDefault(KernelFileKind.MODULE, List.of()).isEmpty()
        && v.byKind.getOrDefault(KernelFileKind.KERNEL_IMAGE, List.of()).isEmpty(), "no kernel files in " + name + ": " + v.all);
    for (String module : v.byKind.getOrDefault(KernelFileKind.MODULE, List.of())) {
      assertTrue(KernelFiles.releaseFromPath(module) != null, "no release for " + module);
    }
    // rpmbuild's ./lib/... cpio names, dpkg-deb's ./lib/..., makepkg's lib/...: none is a hostile name
    assertEquals(List.of(), v.unsafe, name);
  }

  /** Groups visited file paths by kind. */
  static final class RecordingKinds implements EntryVisitor {
    final Map<KernelFileKind, List<String>> byKind = new TreeMap<>();
    final List<String> all = new ArrayList<>();
    final List<String> unsafe = new ArrayList<>();

    @Override
    public void visitFile(PackageEntry entry, InputStream content) throws IOException {
      all.add(entry.path());
      flagUnsafe(entry);
      byKind.computeIfAbsent(KernelFiles.classify(entry.path()), k -> new ArrayList<>()).add(entry.path());
      if (content.readAllBytes().length != entry.size()) {
        throw new AssertionError("short content for " + entry);
      }
    }

    @Override
    public void visitOther(PackageEntry entry) {
      flagUnsafe(entry);
    }

    private void flagUnsafe(PackageEntry entry) {
      if (entry.unsafeReason() != null) {
        unsafe.add(entry.rawName() + ": " + entry.unsafeReason());
      }
    }
  }
}
