package dev.btfscan.io.sink;

import dev.btfscan.io.pkg.TreeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Output directory OUT written through a hidden sibling staging directory
 * ({@code .OUT.staging-<id>}) that replaces OUT by rename only after everything was written. An
 * interrupted run leaves OUT as it was (old report or nothing) plus a hidden staging directory,
 * never a half-written OUT that looks complete.
 *
 * <p>Local filesystem only: the guarantee rests on rename(2) within one filesystem, which object
 * stores do not offer. Replacing an existing OUT takes two renames (OUT aside, staging in), so
 * a crash between them leaves no OUT and a {@code .OUT.old-<id>} directory, still never a partial
 * OUT.
 */
public final class OutputDirectory {
  /** What {@link TreeSource#OWN_OUTPUT_MARKER} says, for whoever finds it in OUT. */
  static final String MARKER_TEXT =
      "A btf-scan output directory: btf-scan reads nothing in it as input, and the next scan into it replaces it whole.\n";

  private final Path target;
  private final Path staging;
  private boolean finished;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Creates the staging directory next to {@code target}; nothing is touched at {@code target}. */
  public static OutputDirectory prepare(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent == null || absolute.getFileName() == null) {
      throw new IOException("output directory must not be a filesystem root: " + target);
    }
    Files.createDirectories(parent);
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IOException("output path exists and is not a directory: " + absolute);
    }
    if (Files.isDirectory(absolute) && !replaceable(absolute)) {
      // Committing replaces OUT whole and deletes what was there: `--output pkgs pkgs`, or a
      // mistyped `--output ~`, would delete the user's files.
      throw new IOException("output directory " + absolute + " exists and is not a btf-scan output (no "
          + TreeSource.OWN_OUTPUT_MARKER + " in it); a scan replaces OUT whole, so it is left alone: choose a new or "
          + "empty directory");
    }
    Path staging = parent.resolve("." + absolute.getFileName() + ".staging-" + UUID.randomUUID());
    Files.createDirectory(staging);
    // First, before any scan can walk it: a tree that holds OUT never lists what is in it.
    Files.writeString(staging.resolve(TreeSource.OWN_OUTPUT_MARKER), MARKER_TEXT, StandardCharsets.UTF_8);
    return new OutputDirectory(absolute, staging);
  }

  /**
   * Whether committing may replace the existing directory {@code dir}: it is empty, or an earlier
   * scan's OUT: it holds the marker, or (written before there was one) it holds modules.jsonl and
   * summary.json and nothing but what a scan writes.
   */
  static boolean replaceable(Path dir) throws IOException {
    if (Files.exists(dir.resolve(TreeSource.OWN_OUTPUT_MARKER), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).toList();
    }
    return names.isEmpty()
        || names.contains("modules.jsonl") && names.contains("summary.json") && SCAN_NAMES.containsAll(names);
  }

  /** What a scan writes into OUT (an OUT written before the marker holds nothing else). */
  private static final Set<String> SCAN_NAMES = Set.of("blobs", "modules.jsonl", "kernels.jsonl", "mismatches.jsonl",
      "packages.jsonl", "summary.json", "report.html", "report.md", "baseline.jsonl");

  /** The final location. */
  public Path target() {
    return target;
  }

  /** Where writers put files during the run; pass {@code staging().toString()} to the pipeline. */
  public Path staging() {
    return staging;
  }

  /**
   * A file path inside the staging directory for a relative name from {@link BlobPaths} or a
   * fixed report name; rejects anything that would leave the directory.
   */
  public Path resolve(String relative) {
    Objects.requireNonNull(relative, "relative");
    Path p = staging.resolve(relative).normalize();
    if (relative.isEmpty() || Path.of(relative).isAbsolute() || !p.startsWith(staging) || p.equals(staging)) {
      throw new IllegalArgumentException("not a relative path inside the output directory: " + relative);
    }
    return p;
  }

  /**
   * Deletes a scratch directory the run kept inside the staging directory (files that stood in
   * for elements while the pipeline ran), before {@link #commit}: none of it is output.
   */
  public void deleteScratch(String name) throws IOException {
    checkOpen();
    deleteTree(resolve(name));
  }

  /** Moves the staged tree to the target, replacing an older one. Call once, after the run succeeded. */
  public void commit() throws IOException {
    checkOpen();
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
      move(target, old);
    }
    move(staging, target);
    finished = true;
    if (old != null) {
      deleteTree(old);
    }
  }

  /**
   * Deletes the staging directory; the target is left untouched. A failed run may still have
   * workers writing into it for a moment (a runner stops its other bundles asynchronously), so a
   * walk that meets files appearing or vanishing is tried again.
   */
  public void abort() throws IOException {
    checkOpen();
    finished = true;
    for (int attempt = 1; ; attempt++) {
      try {
        deleteTree(staging);
        return;
      } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
        if (attempt == ABORT_ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static final int ABORT_ATTEMPTS = 5;

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("output directory " + target + " was already committed or aborted");
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically (different filesystems?)", e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
