package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

  public ScanRows {
    // Streamed rows are immutable already, and copying would read them all into memory.
    modules = modules instanceof StreamedRows ? modules : List.copyOf(modules);
    mismatches = List.copyOf(mismatches);
    kernels = List.copyOf(kernels);
    packages = List.copyOf(packages);
  }

  /** Reads the rows under {@code dir}; a missing file is no rows of that kind. */
  public static ScanRows read(Path dir) throws IOException {
    return read(dir, MODULES_IN_MEMORY_BYTES);
  }

  /** As {@link #read(Path)}, the module rows streamed when their file is over {@code inMemoryBytes}. */
  static ScanRows read(Path dir, long inMemoryBytes) throws IOException {
    Path modules = dir.resolve("modules.jsonl");
    List<ObjectNode> moduleRows = Files.exists(modules) && Files.size(modules) > inMemoryBytes
        ? new StreamedRows(modules) : lines(modules);
    return new ScanRows(moduleRows, lines(dir.resolve("mismatches.jsonl")),
        lines(dir.resolve("kernels.jsonl")), lines(dir.resolve("packages.jsonl")));
  }

  /**
   * The module rows of an earlier scan's OUT, for {@code --baseline}; the directory must hold a
   * {@code modules.jsonl}.
   */
  public static List<ObjectNode> readModules(Path out) throws IOException {
    Path f = out.resolve("modules.jsonl");
    if (!Files.isRegularFile(f)) {
      throw new IOException("baseline " + out + " is not a scan's output directory: no modules.jsonl in it");
    }
    return lines(f);
  }

  /** The identity of a module row within one scan: its package and its path inside it. */
  public static String key(JsonNode row) {
    return row.path("package").asText() + "\u0000" + row.path("path").asText();
  }

  /** The {@code mismatches.jsonl} row of each module that has one, by {@link #key}. */
  public Map<String, ObjectNode> mismatchesByKey() {
    Map<String, ObjectNode> m = new HashMap<>();
    mismatches.forEach(r -> m.put(key(r), r));
    return m;
  }

  /** The same counts as {@code summary.json}, from these rows. */
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
