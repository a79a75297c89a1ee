package dev.btfscan.pipeline;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * OUT, replaced atomically: the run writes into a sibling staging directory and only a completed
 * run renames it into place, so an interrupted run never leaves a report that looks complete (at
 * worst a stale {@code OUT.partial-*} next to the old OUT).
 */
final class OutputDirectory {
  private final Path target;
  private final Path staging;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  static OutputDirectory prepare(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null) {
      throw new IOException("refusing to use the filesystem root as OUT");
    }
    Files.createDirectories(parent);
    Path staging = parent.resolve(abs.getFileName() + ".partial-" + UUID.randomUUID());
    Files.createDirectory(staging);
    return new OutputDirectory(abs, staging);
  }

  Path staging() {
    return staging;
  }

  Path target() {
    return target;
  }

  /** Deletes the staging directory of a failed run (best effort); OUT is not touched. */
  void abandon() {
    try {
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
    } catch (IOException e) {
      // leave it: its name says it is partial
    }
  }

  /** Moves the finished staging directory into place, replacing any previous OUT. */
  void commit() throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(target.getFileName() + ".old-" + UUID.randomUUID());
      move(target, old);
    }
    move(staging, target);
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
