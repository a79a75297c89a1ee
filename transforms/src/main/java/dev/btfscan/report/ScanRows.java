package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rows of one scan's OUT as written ({@code modules.jsonl}, {@code mismatches.jsonl},
 * {@code kernels.jsonl}, {@code packages.jsonl}): what the reports are rendered from.
 */
public record ScanRows(List<ObjectNode> modules, List<ObjectNode> mismatches, List<ObjectNode> kernels,
    List<ObjectNode> packages) {

  /**
   * A {@code modules.jsonl} up to this size is parsed into memory (about 37,000 rows, 135 MB of
   * heap); a larger one is read again for each pass of the reports ({@link StreamedRows}).
   */
  static final long MODULES_IN_MEMORY_BYTES = 32L << 20;

  /**
   * A {@code mismatches.jsonl} up to this size is parsed into memory; a larger one is read again
   * for each pass. Its rows are the module rows plus their evidence (about 11 KB of JSON each in a
   * scan against another build), so the file outgrows {@code modules.jsonl} and a heap of parsed
   * rows soon after: five packages scanned {@code --against} another build wrote 137 MB of them,
   * which held in memory ran the driver out of its 640 MB heap.
   */
  static final long MISMATCHES_IN_MEMORY_BYTES = 8L << 20;

  public ScanRows {
    // Streamed rows are immutable already, and copying would read them all into memory.
    modules = modules instanceof StreamedRows ? modules : List.copyOf(modules);
    mismatches = mismatches instanceof StreamedRows ? mismatches : List.copyOf(mismatches);
    kernels = List.copyOf(kernels);
    packages = List.copyOf(packages);
  }

  /** Reads the rows under {@code dir}; a missing file is no rows of that kind. */
  public static ScanRows read(Path dir) throws IOException {
    return read(dir, MODULES_IN_MEMORY_BYTES);
  }

  /** As {@link #read(Path)}, the module rows streamed when their file is over {@code inMemoryBytes}. */
  static ScanRows read(Path dir, long inMemoryBytes) throws IOException {
    return read(dir, inMemoryBytes, MISMATCHES_IN_MEMORY_BYTES);
  }

  /** As {@link #read(Path, long)}, the mismatch rows streamed when their file is over {@code mismatchBytes}. */
  static ScanRows read(Path dir, long inMemoryBytes, long mismatchBytes) throws IOException {
    return new ScanRows(rows(dir.resolve("modules.jsonl"), inMemoryBytes),
        rows(dir.resolve("mismatches.jsonl"), mismatchBytes),
        lines(dir.resolve("kernels.jsonl")), lines(dir.resolve("packages.jsonl")));
  }

  private static List<ObjectNode> rows(Path file, long inMemoryBytes) throws IOException {
    return Files.exists(file) && Files.size(file) > inMemoryBytes ? new StreamedRows(file) : lines(file);
  }

  /**
   * The module rows of an earlier scan's OUT, for {@code --baseline}, read from its file each pass
   * (every row is parsed once here, so a damaged line fails now); the directory must hold a
   * {@code modules.jsonl}.
   */
  public static List<ObjectNode> modulesOf(Path out) throws IOException {
    Path f = out.resolve("modules.jsonl");
    if (!Files.isRegularFile(f)) {
      throw new IOException("baseline " + out + " is not a scan's output directory: no modules.jsonl in it");
    }
    return new StreamedRows(f);
  }

  /** The identity of a module row within one scan: its package and its path inside it. */
  public static String key(JsonNode row) {
    return row.path("package").asText() + "\u0000" + row.path("path").asText();
  }

  /** A module row and its {@code mismatches.jsonl} row, or null when it has none. */
  public record Explained(ObjectNode row, ObjectNode mismatch) {}

  /**
   * The module rows in their order, each with its {@code mismatches.jsonl} row: one forward pass
   * over both lists, holding neither. A mismatch row is its module row with {@code "references"}
   * added last, and both files are sorted by line, so the mismatch rows come in the order of their
   * module rows: each is paired with the first row, at or after the last one paired, that it
   * extends. Two entries of one name in a package each keep their own row (a lookup by package
   * and path could not tell them apart). A mismatch row that pairs with no module row means the
   * two files disagree, and is an error, not a row dropped from the reports.
   *
   * @throws IllegalStateException from the iteration, at its end, when a mismatch row is left
   */
  public Iterable<Explained> explained() {
    return () -> new Iterator<>() {
      private final Iterator<ObjectNode> rows = modules.iterator();
      private final Iterator<ObjectNode> why = mismatches.iterator();
      private ObjectNode pending = why.hasNext() ? why.next() : null;
      private int paired;

      @Override
      public boolean hasNext() {
        if (rows.hasNext()) {
          return true;
        }
        if (pending != null) {
          throw new IllegalStateException("mismatches.jsonl row " + (paired + 1) + " (" + pending.path("path").asText()
              + " in " + pending.path("package").asText() + ") extends no module row of modules.jsonl in its order");
        }
        return false;
      }

      @Override
      public Explained next() {
        ObjectNode row = rows.next();
        if (pending == null || !isMismatchOf(pending, row)) {
          return new Explained(row, null);
        }
        Explained e = new Explained(row, pending);
        paired++;
        pending = why.hasNext() ? why.next() : null;
        return e;
      }
    };
  }

  /** Whether {@code mismatch} is {@code row} with a {@code "references"} field added. */
  static boolean isMismatchOf(ObjectNode mismatch, ObjectNode row) {
    if (mismatch.size() != row.size() + 1 || !mismatch.has("references") || row.has("references")) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> f = row.fields(); f.hasNext(); ) {
      Map.Entry<String, JsonNode> e = f.next();
      if (!e.getValue().equals(mismatch.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The counts of {@code summary.json}, which the driver writes from these rows. */
  public Summary summary() {
    Summary s = new Summary();
    modules.forEach(s::addModule);
    kernels.forEach(s::addKernel);
    for (ObjectNode p : packages) {
      List<String> problems = new ArrayList<>();
      p.path("problems").forEach(x -> problems.add(x.asText()));
      s.addPackage(p.path("package").asText(), p.path("location").asText(""), p.path("format").asText(), p.path("entries").asLong(),
          p.path("modules").asLong(), problems);
    }
    return s;
  }

  private static List<ObjectNode> lines(Path f) throws IOException {
    if (!Files.exists(f)) {
      return List.of();
    }
    List<ObjectNode> rows = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(Json.parse(line));
      } catch (IllegalArgumentException e) {
        throw new IOException(f + ":" + n + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }
}
