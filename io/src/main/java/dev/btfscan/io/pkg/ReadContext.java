package dev.btfscan.io.pkg;

import dev.btfscan.io.util.BoundedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * State of one pass over one package, shared by the format readers: hands entries to the visitor,
 * flags duplicates, counts entries and tracks the stored-byte offset for error messages.
 */
final class ReadContext {
  private final String packageName;
  private final EntryVisitor visitor;
  private final Offset offset;
  /** The paths of the kernel files (modules, images) visited so far. */
  private final Set<String> seen = new HashSet<>();
  private long entries;
  private PackageFormat format;
  /** Path of the entry being visited, so a failure inside it can name it. */
  private String current;
  /** The compressed part being decoded (deb member, rpm payload), so a failure can say where it broke. */
  private String part;

  ReadContext(String packageName, EntryVisitor visitor, Offset offset) {
    this.packageName = packageName;
    this.visitor = visitor;
    this.offset = offset;
  }

  String packageName() {
    return packageName;
  }

  long entries() {
    return entries;
  }

  /** Records the detected format so a later failure can still name it. */
  void format(PackageFormat format) {
    this.format = format;
  }

  /**
   * Names the part of the package read from now on ("data.tar.xz", "xz payload"; null: none), so
   * that a failure of its decoder or archive reads "data.tar.xz: Compressed data is corrupt"
   * rather than a bare library message.
   */
  void part(String part) {
    this.part = part;
  }

  String part() {
    return part;
  }

  /** Hands a regular file to the visitor with content limited to {@code size}, then skips the rest. */
  void file(String rawName, long size, InputStream archive) throws IOException {
    PackageEntry entry = entry(rawName, EntryType.REGULAR, size, null);
    BoundedInputStream content = new BoundedInputStream(archive, size, true, "entry " + entry.path());
    current = entry.path();
    visitor.visitFile(entry, content);
    content.drain();
    current = null;
  }

  /** Reports a directory, link or special entry. */
  void other(String rawName, EntryType type, String linkTarget) throws IOException {
    visitor.visitOther(entry(rawName, type, 0, linkTarget));
  }

  private PackageEntry entry(String rawName, EntryType type, long size, String linkTarget) {
    EntryPath path = EntryPath.sanitize(rawName);
    KernelFileKind kind = KernelFiles.classify(path.path());
    // Only kernel files are rows, so only their names are kept: a payload of millions of other
    // entries must not hold every name it lists.
    boolean duplicate = kind != KernelFileKind.OTHER && !seen.add(path.path());
    entries++;
    return new PackageEntry(packageName, path, type, size, linkTarget, kind, duplicate);
  }

  /** What an entry of this raw name would be: {@link PackageEntry#kind}, before it is visited. */
  static KernelFileKind kindOf(String rawName) {
    return KernelFiles.classify(EntryPath.sanitize(rawName).path());
  }

  /** Wraps a failure with the package name, position and entry count. */
  PackageReadException failure(String reason, Throwable cause) {
    long complete = current == null ? entries : entries - 1;
    return new PackageReadException(packageName, reason, offset.get(), complete, current, format, cause);
  }

  PackageReadException failure(Throwable cause) {
    if (cause instanceof PackageReadException) {
      return (PackageReadException) cause;
    }
    return failure(within(describe(cause)), cause);
  }

  /** "truncated: data.tar.xz: ...", "data.tar.xz: ...": the reason with the part it happened in. */
  private String within(String reason) {
    if (part == null || reason.contains(part)) {
      return reason;
    }
    String truncated = "truncated: ";
    return reason.startsWith(truncated) ? truncated + part + ": " + reason.substring(truncated.length())
        : part + ": " + reason;
  }

  /** The message of a failure as it should read in a report. */
  static String describe(Throwable e) {
    String message = e.getMessage() != null ? e.getMessage()
        : e instanceof EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
    if (e instanceof EOFException && !message.toLowerCase(java.util.Locale.ROOT).contains("truncated")) {
      return "truncated: " + message;
    }
    if (e instanceof RuntimeException) {
      return "malformed: " + e.getClass().getSimpleName() + ": " + message;
    }
    return message;
  }

  /** Source of the current stored-byte offset. */
  interface Offset {
    long get();
  }
}
