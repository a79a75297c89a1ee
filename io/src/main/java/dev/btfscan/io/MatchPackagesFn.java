package dev.btfscan.io;

import dev.btfscan.io.pkg.EntryType;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.io.pkg.KernelFiles;
import dev.btfscan.io.pkg.PayloadProbe;
import dev.btfscan.io.pkg.TreeSource.TreeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Expands one input (file, glob, or directory) into package locations. Directories are emitted
 * with a trailing '/' and later read as tree packages. We match ourselves instead of using
 * FileIO.matchAll/readMatches because those drop directories and unmatched inputs silently;
 * here an input that matches nothing becomes a {@link PackageSummary} with a problem.
 */
final class MatchPackagesFn extends DoFn<String, String> {
  static final TupleTag<String> LOCATIONS = new TupleTag<String>("locations") {};
  static final TupleTag<PackageSummary> UNMATCHED = new TupleTag<PackageSummary>("unmatched") {};

  private final Counter unmatched = Metrics.counter(MatchPackagesFn.class, "unmatchedInputs");

  @ProcessElement
  public void process(@Element String spec, MultiOutputReceiver out) {
    expand(spec, out.get(LOCATIONS)::output, problem -> fail(out, spec, problem));
  }

  /**
   * How many packages {@code inputs} name, as the scan will expand them (unmatched inputs count 0),
   * and how many of them are local files whose payload decodes on every core ({@link PayloadProbe}).
   */
  static KernelPackageIO.PackageCount count(List<String> inputs) {
    long[] n = {0, 0};
    for (String spec : inputs) {
      expand(spec, location -> {
        n[0]++;
        Path local = location.endsWith("/") ? null : LocalPaths.of(location);
        if (local != null && PayloadProbe.decodesOnEveryCore(local)) {
          n[1]++;
        }
      }, problem -> {});
    }
    return new KernelPackageIO.PackageCount(n[0], n[1]);
  }

  /** Expands one input into package locations, or says why it names none. */
  private static void expand(String spec, Consumer<String> locations, Consumer<String> failure) {
    if (spec.endsWith("/")) {
      try {
        if (!expandDirectory(spec, locations)) {
          failure.accept("directory holds no file: " + spec);
        }
      } catch (Exception e) {
        failure.accept("cannot list " + spec + ": " + e);
      }
      return;
    }
    try {
      MatchResult match = FileSystems.match(spec, EmptyMatchTreatment.ALLOW_IF_WILDCARD);
      if (match.status() == MatchResult.Status.NOT_FOUND) {
        failure.accept("no such package: " + spec);
        return;
      }
      if (match.status() != MatchResult.Status.OK) {
        failure.accept("cannot match " + spec + ": status " + match.status());
        return;
      }
      List<MatchResult.Metadata> metadata = match.metadata();
      if (metadata.isEmpty()) {
        failure.accept("pattern matches no files: " + spec);
        return;
      }
      for (MatchResult.Metadata m : metadata) {
        String location = m.resourceId().toString();
        if (m.resourceId().isDirectory()) {
          String dir = location.endsWith("/") ? location : location + "/";
          if (!expandDirectory(dir, locations)) {
            failure.accept("directory holds no file: " + dir);
          }
        } else {
          locations.accept(location);
        }
      }
    } catch (Exception e) {
      failure.accept("cannot match " + spec + ": " + e);
    }
  }

  /**
   * A directory holds packages, an unpacked tree, or both: each package file in it becomes a
   * package of its own (so packages are read in parallel), and the directory is read as a tree
   * package only when it has other files too (a {@code /lib/modules/<release>} tree). False when
   * the directory gave nothing to read: an empty input directory (a mirror that failed to sync)
   * is reported, not scanned as nothing.
   */
  private static boolean expandDirectory(String dir, Consumer<String> locations) throws java.io.IOException {
    boolean treeFiles = false;
    boolean packages = false;
    for (TreeFile f : TreeSources.of(dir).files()) {
      boolean regular = f.type() == EntryType.REGULAR;
      if (looksLikePackage(f.relativePath()) && (regular || linksToAFile(f))) {
        locations.accept(f.location()); // a mirror's symlinked package is still that package
        packages = true;
      } else if (regular || KernelFiles.classify(f.relativePath()) != KernelFileKind.OTHER) {
        treeFiles = true; // a stray link ("build -> /usr/src/...") alone makes no tree package
      }
    }
    if (treeFiles) {
      locations.accept(dir);
    }
    return packages || treeFiles;
  }

  private static boolean linksToAFile(TreeFile f) {
    if (f.type() != EntryType.SYMLINK) {
      return false;
    }
    try {
      return Files.isRegularFile(Path.of(f.location()));
    } catch (java.nio.file.InvalidPathException e) {
      return true; // a package by its name; reading it will say why it cannot be opened
    }
  }

  /** Routing only: the reader still decides the format by magic bytes. */
  static boolean looksLikePackage(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
    for (String suffix : PACKAGE_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Names a directory's package files go by: rpm, deb (and Ubuntu's udeb/ddeb), tarballs of every
   * compressor (Arch's .pkg.tar.zst among them), Alpine's .apk and Void's .xbps (both tarballs:
   * gzip members, zstd), read by magic like the others.
   */
  private static final String[] PACKAGE_SUFFIXES = {
    ".rpm", ".deb", ".udeb", ".ddeb", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
    ".tar.bz2", ".tbz2", ".tbz", ".tar.lz4", ".tar.lzma", ".tlz", ".apk", ".xbps"
  };

  private void fail(MultiOutputReceiver out, String spec, String problem) {
    unmatched.inc();
    out.get(UNMATCHED).output(new PackageSummary(ReadPackageFn.packageName(spec), spec, "unknown", 0, 0, 0,
        List.of(problem)));
  }
}
