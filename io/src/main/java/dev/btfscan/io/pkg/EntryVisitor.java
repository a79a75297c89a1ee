package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the entries of a package in archive order, during the single pass over it. The content
 * stream is only valid inside {@link #visitFile}; unread content is skipped by the reader, closing
 * it is allowed and does not close the package.
 */
public interface EntryVisitor {
  /** A regular file; {@code content} yields exactly the entry's bytes. */
  void visitFile(PackageEntry entry, InputStream content) throws IOException;

  /** A directory, link or special file. Ignored unless overridden. */
  default void visitOther(PackageEntry entry) throws IOException {}
}
