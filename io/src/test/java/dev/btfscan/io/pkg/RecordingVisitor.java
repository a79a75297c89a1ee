package dev.btfscan.io.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records entries as compact strings: "path=content", "path/ DIRECTORY", "path -> target". */
final class RecordingVisitor implements EntryVisitor {
  final List<String> files = new ArrayList<>();
  final List<String> others = new ArrayList<>();
  final List<PackageEntry> entries = new ArrayList<>();

  @Override
  public void visitFile(PackageEntry entry, InputStream content) throws IOException {
    entries.add(entry);
    byte[] bytes = content.readAllBytes();
    if (bytes.length != entry.size()) {
      throw new AssertionError("content of " + entry + " has " + bytes.length + " bytes");
    }
    files.add(entry.path() + "=" + new String(bytes, StandardCharsets.UTF_8) + (entry.isDuplicate() ? " (dup)" : ""));
  }

  @Override
  public void visitOther(PackageEntry entry) {
    entries.add(entry);
    others.add(entry.path() + " " + entry.type() + (entry.linkTarget() == null ? "" : " -> " + entry.linkTarget()));
  }
}
