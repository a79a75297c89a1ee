package dev.btfscan.io;

import static dev.btfscan.io.testing.TestPackages.Entry.dir;
import static dev.btfscan.io.testing.TestPackages.Entry.file;
import static dev.btfscan.io.testing.TestPackages.Entry.symlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.io.sink.WriteSortedLines;
import dev.btfscan.io.testing.TestPackages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelPackageIOTest {
  private static final List<TestPackages.Entry> ENTRIES = List.of(
      dir("lib/modules/6.1.0-13-amd64"),
      file("lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module"),
      file("lib/modules/6.1.0-13-amd64/kernel/net/key/af-key.ko.xz", "af_key compressed"),
      file("lib/modules/6.1.0-13-amd64/modules.dep", "deps"),
      symlink("lib/modules/6.1.0-13-amd64/build", "/usr/src/linux-headers-6.1.0-13-amd64"),
      file("boot/vmlinuz-6.1.0-13-amd64", "kernel image"));

  @TempDir
  Path dir;

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    return Pipeline.create(options);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  /** A module read from {@code pkg} as its {@code entry}-th entry (every entry counted, from 0). */
  private static KernelFile module(String pkg, String path, String content, long entry) {
    return new KernelFile(pkg, path, path, KernelFileKind.MODULE, "6.1.0-13-amd64", null, content.length(), false,
        content.getBytes(StandardCharsets.UTF_8), List.of(), entry);
  }

  private static KernelFile image(String pkg, String path, String content, long entry) {
    return new KernelFile(pkg, path, path, KernelFileKind.KERNEL_IMAGE, "6.1.0-13-amd64", null, content.length(),
        false, content.getBytes(StandardCharsets.UTF_8), List.of(), entry);
  }

  private static List<KernelFile> expectedFiles(String pkg, String rawPrefix) {
    List<KernelFile> out = new ArrayList<>();
    for (KernelFile f : List.of(
        module(pkg, "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module", 1),
        module(pkg, "lib/modules/6.1.0-13-amd64/kernel/net/key/af-key.ko.xz", "af_key compressed", 2),
        image(pkg, "boot/vmlinuz-6.1.0-13-amd64", "kernel image", 5))) {
      out.add(new KernelFile(f.packageName(), f.path(), rawPrefix + f.path(), f.kind(), f.release(), f.unsafeReason(),
          f.size(), f.isDuplicate(), f.bytes(), f.problems(), f.entry()));
    }
    return out;
  }

  @Test
  void emitsModulesImagesAndOneSummaryPerPackage() throws IOException {
    Path deb = write("in/linux-image.deb", TestPackages.deb(ENTRIES, Compression.XZ));
    Path rpm = write("in/kernel-core.rpm", TestPackages.rpm(ENTRIES, Compression.ZSTD));
    Path tar = write("in/linux.pkg.tar.zst", TestPackages.tar(ENTRIES, Compression.ZSTD));
    Path tree = dir.resolve("tree");
    write("tree/lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module".getBytes(StandardCharsets.UTF_8));
    write("tree/boot/vmlinuz-6.1.0-13-amd64", "kernel image".getBytes(StandardCharsets.UTF_8));

    Pipeline p = pipeline();
    PCollectionTuple out = p
        .apply(Create.of(dir.resolve("in").toString() + "/*", tree.toString(), dir.resolve("missing.rpm").toString()))
        .apply(KernelPackageIO.read());

    List<KernelFile> expected = new ArrayList<>();
    expected.addAll(expectedFiles("linux-image.deb", ""));
    expected.addAll(expectedFiles("kernel-core.rpm", "./"));
    expected.addAll(expectedFiles("linux.pkg.tar.zst", ""));
    expected.add(module("tree", "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module", 1));
    expected.add(image("tree", "boot/vmlinuz-6.1.0-13-amd64", "kernel image", 0));
    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES)).containsInAnyOrder(expected);

    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).containsInAnyOrder(
        new PackageSummary("linux-image.deb", deb.toString(), "deb", 6, 2, 1, List.of()),
        new PackageSummary("kernel-core.rpm", rpm.toString(), "rpm", 6, 2, 1, List.of()),
        new PackageSummary("linux.pkg.tar.zst", tar.toString(), "tar", 6, 2, 1, List.of()),
        new PackageSummary("tree", tree + "/", "directory", 2, 1, 1, List.of()),
        new PackageSummary("missing.rpm", dir.resolve("missing.rpm").toString(), "unknown", 0, 0, 0,
            List.of("no such package: " + dir.resolve("missing.rpm"))));

    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(4, counter(result, "packages"));
    assertEquals(7, counter(result, "modules"));
    assertEquals(4, counter(result, "kernelImages"));
  }

  /** Judges every module with one line; never holds or passes on any. */
  private static final class JudgeEverything implements LocalAnalysis {
    @Override
    public Session open(String packageName) {
      return new Session() {
        @Override
        public void kernelImage(KernelFile image) {}

        @Override
        public void awaitImages() {}

        @Override
        public void module(KernelFile module, Output out) {
          out.line("modules", "judged " + module.packageName() + ":" + module.path());
        }

        @Override
        public void finish(Output out) {}
      };
    }
  }

  /** What sessions and the image digest saw, in order (static: the runner works on copies of the DoFn). */
  private static final java.util.Queue<String> EVENTS = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Records what it is fed; judges every module with one line. */
  private static final class RecordEverything implements LocalAnalysis {
    @Override
    public Session open(String packageName) {
      return new Session() {
        @Override
        public void kernelImage(KernelFile image) {
          EVENTS.add("image " + image.path());
        }

        @Override
        public void awaitImages() {
          EVENTS.add("await images");
        }

        @Override
        public void module(KernelFile module, Output out) {
          EVENTS.add("module " + module.path());
          out.line("modules", "judged " + module.path());
        }

        @Override
        public void finish(Output out) {
          EVENTS.add("finish");
        }
      };
    }
  }

  /** Scans in/ with {@link RecordEverything} and an image digest that records too; {@link #EVENTS} says what happened. */
  private void scanRecordingEvents() {
    WriteSortedLines modules = WriteSortedLines.to(dir.resolve("out/modules.jsonl").toString());
    EVENTS.clear();
    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(dir.resolve("in").toString() + "/*"))
        .apply(KernelPackageIO.read()
            .withLocalAnalysis(new RecordEverything(), java.util.Map.of("modules", modules.runSpiller()))
            .withKernelImageDigest(image -> {
              EVENTS.add("digest " + image.path());
              return new byte[] {1};
            }));
    out.get(KernelPackageIO.LOCAL_RUNS)
        .apply(org.apache.beam.sdk.transforms.Values.create())
        .apply(modules.mergeRuns());
    p.run().waitUntilFinish();
  }

  /**
   * A session may still be working on a kernel image when the next entries come (the scan
   * extracts it in the background), so the reader digests a package's images only once the
   * session has finished.
   */
  @Test
  void kernelImagesAreDigestedAfterTheSessionFinished() throws IOException {
    write("in/linux-image.deb", TestPackages.deb(List.of(
        file("boot/vmlinuz-6.1.0-13-amd64", "kernel image"),
        file("lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module")), Compression.XZ));
    scanRecordingEvents();
    assertEquals(List.of("image boot/vmlinuz-6.1.0-13-amd64", "module lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko",
        "finish", "digest boot/vmlinuz-6.1.0-13-amd64"), List.copyOf(EVENTS));
  }

  /**
   * An image too large to hold back to the package's end is digested at once, and the reader waits
   * for the session to be done with it before it reads on: the image's bytes are counted in
   * EntryBytes only until then.
   */
  @Test
  void anImageTooLargeToHoldBackIsDigestedAtOnceAndTheSessionDoneWithItBeforeTheReaderGoesOn()
      throws IOException {
    byte[] large = new byte[(int) ReadPackageFn.HELD_IMAGE_BYTES + 1];
    write("in/linux-image.deb", TestPackages.deb(List.of(
        file("boot/vmlinux-6.1.0-13-amd64", large),
        file("lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module")), Compression.GZIP));
    scanRecordingEvents();
    assertEquals(List.of("image boot/vmlinux-6.1.0-13-amd64", "digest boot/vmlinux-6.1.0-13-amd64", "await images",
        "module lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "finish"), List.copyOf(EVENTS));
  }

  /**
   * What the reader sends on when it does the work itself: each kernel image as the caller's
   * digest, and the judged modules' lines as sorted runs of their report, never as elements.
   */
  @Test
  void judgedLinesLeaveAsRunsAndImagesAsDigests() throws IOException {
    write("in/linux-image.deb", TestPackages.deb(ENTRIES, Compression.XZ));
    write("in/kernel-core.rpm", TestPackages.rpm(ENTRIES, Compression.ZSTD));
    Path report = dir.resolve("out/modules.jsonl");
    WriteSortedLines modules = WriteSortedLines.to(report.toString());

    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(dir.resolve("in").toString() + "/*"))
        .apply(KernelPackageIO.read()
            .withLocalAnalysis(new JudgeEverything(), java.util.Map.of("modules", modules.runSpiller()))
            .withKernelImageDigest(image -> ("digest of " + new String(image.bytes(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)));
    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES)).satisfies(files -> {
      List<String> seen = new ArrayList<>();
      for (KernelFile f : files) {
        assertTrue(f.isDigest(), f.toString());
        seen.add(f.packageName() + " " + new String(f.bytes(), StandardCharsets.UTF_8));
      }
      seen.sort(null);
      assertEquals(List.of("kernel-core.rpm digest of kernel image", "linux-image.deb digest of kernel image"), seen);
      return null;
    });
    out.get(KernelPackageIO.LOCAL_RUNS)
        .apply(org.apache.beam.sdk.transforms.Values.create())
        .apply(modules.mergeRuns());
    p.run().waitUntilFinish();

    assertEquals(List.of(
        "judged kernel-core.rpm:lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko",
        "judged kernel-core.rpm:lib/modules/6.1.0-13-amd64/kernel/net/key/af-key.ko.xz",
        "judged linux-image.deb:lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko",
        "judged linux-image.deb:lib/modules/6.1.0-13-amd64/kernel/net/key/af-key.ko.xz"),
        Files.readAllLines(report, StandardCharsets.UTF_8));
    // The reader's runs sit with the report's own, kept for a merge run again until the caller
    // (the scan's driver) deletes their directory.
    try (var left = Files.list(report.getParent())) {
      assertEquals(List.of(report.resolveSibling(WriteSortedLines.runsDirectoryName("modules.jsonl")), report),
          left.sorted().toList());
    }
  }

  @Test
  void truncatedPackageKeepsEarlierEntriesTheCutModuleAndReportsWhere() throws IOException {
    byte[] big = new byte[400_000];
    new java.util.Random(3).nextBytes(big);
    byte[] tar = TestPackages.tar(List.of(
        file("lib/modules/6.1.0-13-amd64/kernel/a.ko", "first"),
        file("lib/modules/6.1.0-13-amd64/kernel/big.ko", big),
        file("lib/modules/6.1.0-13-amd64/kernel/z.ko", "last")), Compression.GZIP);
    Path cut = write("cut.tar.gz", Arrays.copyOf(tar, tar.length / 2));

    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(cut.toString())).apply(KernelPackageIO.read());
    // big.ko was seen and cut: it keeps a row (no bytes, a reason); z.ko was never reached
    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES).apply(MapElements.into(TypeDescriptors.strings())
        .via(f -> f.path() + " " + (f.bytes() == null ? f.problems() : "read"))))
        .containsInAnyOrder("lib/modules/6.1.0-13-amd64/kernel/a.ko read",
            "lib/modules/6.1.0-13-amd64/kernel/big.ko [truncated: the package ends inside this entry (400000 bytes declared): "
                + "unexpected end of data]");
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).satisfies(summaries -> {
      PackageSummary s = summaries.iterator().next();
      assertEquals("tar", s.format());
      assertEquals(2, s.entriesSeen());
      assertEquals(1, s.problems().size());
      assertTrue(s.problems().get(0).startsWith(
          "truncated after 1 entries, inside lib/modules/6.1.0-13-amd64/kernel/big.ko, at offset "), s.problems().get(0));
      assertTrue(s.problems().get(0).endsWith(": unexpected end of data"), s.problems().get(0));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void moduleSymlinksGetARowWithoutBeingFollowed() throws IOException {
    Path tar = write("links.tar", TestPackages.tar(List.of(
        file("lib/modules/6.1.0-13-amd64/kernel/a.ko", "a module"),
        symlink("lib/modules/6.1.0-13-amd64/kernel/b.ko", "../../../../../etc/passwd"),
        symlink("lib/modules/6.1.0-13-amd64/build", "/usr/src/linux-headers")), Compression.NONE));
    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(tar.toString())).apply(KernelPackageIO.read());
    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES)).containsInAnyOrder(
        module("links.tar", "lib/modules/6.1.0-13-amd64/kernel/a.ko", "a module", 0),
        new KernelFile("links.tar", "lib/modules/6.1.0-13-amd64/kernel/b.ko", "lib/modules/6.1.0-13-amd64/kernel/b.ko",
            KernelFileKind.MODULE, "6.1.0-13-amd64", null, 0, false, null,
            List.of("symbolic link to '../../../../../etc/passwd': not followed, no module bytes"), 1));
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).containsInAnyOrder(
        new PackageSummary("links.tar", tar.toString(), "tar", 3, 2, 0, List.of()));
    p.run().waitUntilFinish();
  }

  @Test
  void garbageInputBecomesASummaryProblem() throws IOException {
    byte[] text = "definitely not a package, only some text".getBytes(StandardCharsets.UTF_8);
    Path junk = write("junk.rpm", text);
    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(junk.toString())).apply(KernelPackageIO.read());
    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES)).empty();
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).containsInAnyOrder(new PackageSummary("junk.rpm", junk.toString(),
        "unknown", 0, 0, 0, List.of("read failed after 0 entries at offset " + text.length + ": not a package: not rpm, deb or tar")));
    p.run().waitUntilFinish();
  }

  @Test
  void oversizedEntriesAreEmittedWithoutBytes() throws IOException {
    Path tar = write("big.tar", TestPackages.tar(List.of(
        file("lib/modules/6.1.0-13-amd64/kernel/small.ko", "tiny"),
        file("lib/modules/6.1.0-13-amd64/kernel/large.ko", "larger than the cap")), Compression.NONE));
    Pipeline p = pipeline();
    PCollection<KernelFile> files = p.apply(Create.of(tar.toString()))
        .apply(KernelPackageIO.read().withMaxEntryBytes(10)).get(KernelPackageIO.KERNEL_FILES);
    PAssert.that(files).containsInAnyOrder(
        module("big.tar", "lib/modules/6.1.0-13-amd64/kernel/small.ko", "tiny", 0),
        new KernelFile("big.tar", "lib/modules/6.1.0-13-amd64/kernel/large.ko", "lib/modules/6.1.0-13-amd64/kernel/large.ko",
            KernelFileKind.MODULE, "6.1.0-13-amd64", null, 19, false, null,
            List.of("entry of 19 bytes exceeds the 10-byte cap; not read"), 1));
    p.run().waitUntilFinish();
  }

  /**
   * A kernel file named as an input on its own (a module, an image, raw BTF, as a user points the
   * scan at {@code /boot/vmlinuz-$(uname -r)} and a module they built) is a package of that one
   * file, format "file", its entry named as it would be in a package: from {@code lib/modules/}
   * on, else the shortest tail of its path that names a kernel file ({@code vmlinuz-<release>},
   * SUSE's {@code boot/image-<release>}), by the rules that pick kernel files in packages. A file that is
   * neither a package nor a kernel file stays a problem row.
   */
  @Test
  void aKernelFileNamedOnItsOwnIsAPackageOfThatOneFile() throws IOException {
    Path ko = write("loose/af_key.ko", "module bytes".getBytes(StandardCharsets.UTF_8));
    Path vmlinuz = write("boot/vmlinuz-6.1.0-13-amd64", "kernel image".getBytes(StandardCharsets.UTF_8));
    Path btf = write("loose/6.1.0-13-amd64.btf.xz", "raw btf".getBytes(StandardCharsets.UTF_8));
    Path installed = write("lib/modules/6.1.0-13-amd64/vmlinuz", "installed image".getBytes(StandardCharsets.UTF_8));
    Path notes = write("loose/notes.txt", "no kernel file".getBytes(StandardCharsets.UTF_8));

    String koAt = ko.toString();
    String installedAt = installed.toString();
    Pipeline p = pipeline();
    PCollectionTuple out = p
        .apply(Create.of(koAt, vmlinuz.toString(), btf.toString(), installedAt, notes.toString()))
        .apply(KernelPackageIO.read());

    PAssert.that(out.get(KernelPackageIO.KERNEL_FILES)).containsInAnyOrder(
        lone("af_key.ko", "af_key.ko", KernelFileKind.MODULE, null, "module bytes"),
        lone("vmlinuz-6.1.0-13-amd64", "vmlinuz-6.1.0-13-amd64", KernelFileKind.KERNEL_IMAGE, "6.1.0-13-amd64",
            "kernel image"),
        lone("6.1.0-13-amd64.btf.xz", "6.1.0-13-amd64.btf.xz", KernelFileKind.KERNEL_IMAGE, "6.1.0-13-amd64", "raw btf"),
        lone("vmlinuz", "lib/modules/6.1.0-13-amd64/vmlinuz", KernelFileKind.KERNEL_IMAGE, "6.1.0-13-amd64",
            "installed image"));
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).satisfies(summaries -> {
      java.util.Map<String, PackageSummary> byName = new java.util.TreeMap<>();
      summaries.forEach(s -> byName.put(s.packageName(), s));
      assertEquals(List.of("6.1.0-13-amd64.btf.xz", "af_key.ko", "notes.txt", "vmlinuz", "vmlinuz-6.1.0-13-amd64"),
          List.copyOf(byName.keySet()));
      assertEquals(new PackageSummary("af_key.ko", koAt, "file", 1, 1, 0, List.of()), byName.get("af_key.ko"));
      assertEquals(new PackageSummary("vmlinuz", installedAt, "file", 1, 0, 1, List.of()), byName.get("vmlinuz"));
      PackageSummary other = byName.get("notes.txt");
      assertEquals("unknown", other.format());
      assertTrue(other.problems().get(0).contains("not a package"), other.toString());
      return null;
    });
    p.run().waitUntilFinish();
  }

  private static KernelFile lone(String pkg, String path, KernelFileKind kind, String release, String content) {
    return new KernelFile(pkg, path, path, kind, release, null, content.length(), false,
        content.getBytes(StandardCharsets.UTF_8), List.of(), 0);
  }

  @Test
  void emptyGlobsAreReportedAndTrailingSlashMeansDirectory() throws IOException {
    write("t/lib/modules/6.1.0-13-amd64/a.ko", "a".getBytes(StandardCharsets.UTF_8));
    String glob = dir.resolve("nothing-*.deb").toString();
    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(glob, dir.resolve("t") + "/")).apply(KernelPackageIO.read());
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).containsInAnyOrder(
        new PackageSummary("nothing-*.deb", glob, "unknown", 0, 0, 0, List.of("pattern matches no files: " + glob)),
        new PackageSummary("t", dir.resolve("t") + "/", "directory", 1, 1, 0, List.of()));
    p.run().waitUntilFinish();
  }

  @Test
  void readsTheFixturePackagesWithoutProblems() {
    Path packages = Path.of(System.getProperty("btfscan.fixtures", "/nonexistent"), "packages");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(packages), "no fixture packages at " + packages);
    Pipeline p = pipeline();
    PCollectionTuple out = p.apply(Create.of(packages + "/**")).apply(KernelPackageIO.read());
    PAssert.that(out.get(KernelPackageIO.SUMMARIES)).satisfies(summaries -> {
      int n = 0;
      for (PackageSummary s : summaries) {
        n++;
        assertTrue(s.problems().isEmpty(), s.toString());
        assertTrue(s.modulesSeen() + s.kernelImagesSeen() > 0, s.toString());
      }
      assertTrue(n > 0);
      return null;
    });
    p.run().waitUntilFinish();
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ReadPackageFn.class, name)).build());
    List<Long> values = StreamSupport.stream(metrics.getCounters().spliterator(), false)
        .map(MetricResult::getAttempted).collect(Collectors.toList());
    return values.stream().mapToLong(Long::longValue).sum();
  }
}
