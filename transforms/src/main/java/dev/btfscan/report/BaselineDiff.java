package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.io.sink.LineSorter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed, module by module, between an earlier scan's {@code modules.jsonl} (the baseline)
 * and this one's: {@code baseline.jsonl}.
 *
 * <p>A module is the same module in both scans when it has the same package and path (the k-th
 * row of one package and path in this scan is the k-th of the baseline); modules left over on both
 * sides are then paired by module name and release, so a package renamed between builds
 * ({@code ..._6.1.170-3_amd64.deb} to {@code ..._6.1.170-4_amd64.deb}) does not make every module
 * in it gone and new. Within one (module, release) each leftover of the baseline, in (path,
 * package) order, takes the most alike leftover of this scan: same path first, then the longest
 * common start of the package names; what is still left over is new or gone.
 *
 * <p>Memory does not grow with the scans: both sides are reduced to the five fields the comparison
 * reads and sorted on disk ({@link LineSorter}), paired by a merge of the two, their leftovers
 * sorted by (module, release) and paired a group at a time, and the rows sorted again into
 * {@code baseline.jsonl}'s order as they are written. Only the counts and the first {@link
 * #LISTED} changes, what the reports show, are kept. A nightly scan of a distribution against last
 * night's renames every package, so every module takes the second pairing.
 */
public final class BaselineDiff {
  /** How one module fared since the baseline. */
  public enum Change {
    /** In this scan only. */
    NEW("new"),
    /** In the baseline only. */
    GONE("gone"),
    /** In both, with another verdict. */
    CHANGED("changed"),
    /** In both, with the same verdict. */
    SAME("same");

    private final String label;

    Change(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  static final String BY_PATH = "package+path";
  static final String BY_NAME = "module+release";

  /** The changes kept for the reports (report.html lists this many, report.md fewer). */
  public static final int LISTED = 500;

  /** Characters of sort lines a sorter gathers before it spills a run (about 8 MB of heap). */
  static final long RUN_CHARS = 4L << 20;

  private final Map<Change, Long> counts = new EnumMap<>(Change.class);
  private final Map<String, Long> transitions = new TreeMap<>();
  private final Map<Change, List<ObjectNode>> firstChanges = new EnumMap<>(Change.class);
  private final List<String> lines; // null unless compared in memory
  private final long runChars;

  private BaselineDiff(List<String> lines, long runChars) {
    this.lines = lines;
    this.runChars = runChars;
    for (Change c : Change.values()) {
      counts.put(c, 0L);
      firstChanges.put(c, new ArrayList<>());
    }
  }

  /** Where {@code baseline.jsonl}'s lines go, in order. */
  public interface LineOut {
    void accept(String line) throws IOException;
  }

  /** What the comparison reads of a module row. */
  private record Module(String pkg, String path, String module, String release, String verdict) {
    static Module of(JsonNode r) {
      return new Module(r.path("package").asText(), r.path("path").asText(), r.path("module").asText(),
          r.path("release").asText(), r.path("verdict").asText());
    }

    static Module of(String[] f, int at) {
      return f[at] == null ? null : new Module(f[at], f[at + 1], f[at + 2], f[at + 3], f[at + 4]);
    }

    static String[] fields(Module m) {
      return m == null ? new String[5] : new String[] {m.pkg, m.path, m.module, m.release, m.verdict};
    }
  }

  /** A module of one side and its position there (file order). */
  private record Indexed(Module m, long index) {}

  /**
   * One scan's module rows, reduced to what the comparison reads and sorted by package and path
   * on disk. A baseline is read into one before the scan starts: its OUT may be the one the scan
   * replaces.
   */
  public static final class Side implements Closeable {
    private final LineSorter byPath;

    private Side(LineSorter byPath) {
      this.byPath = byPath;
    }

    /** Reads {@code rows} (each once, in order) into a side whose runs live under {@code scratch}. */
    public static Side of(Iterable<? extends JsonNode> rows, Path scratch) throws IOException {
      return of(rows, scratch, RUN_CHARS);
    }

    static Side of(Iterable<? extends JsonNode> rows, Path scratch, long runChars) throws IOException {
      LineSorter s = new LineSorter(scratch, runChars);
      try {
        long i = 0;
        for (JsonNode r : rows) {
          Module m = Module.of(r);
          s.add(SortKey.of(m.pkg, m.path, SortKey.number(i++), m.module, m.release, m.verdict));
        }
        s.spill(); // a side waits (the baseline, for the whole scan): its lines go to disk
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return new Side(s);
    }

    private Indexed next(LineSorter.Sorted sorted) throws IOException {
      String line = sorted.next();
      if (line == null) {
        return null;
      }
      String[] f = SortKey.fields(line);
      return new Indexed(new Module(f[0], f[1], f[3], f[4], f[5]), Long.parseLong(f[2], 16));
    }

    @Override
    public void close() throws IOException {
      byPath.close();
    }
  }

  /**
   * Compares a baseline's module rows with this scan's, in memory: the rows are kept
   * ({@link #rows()}, {@link #lines()}). For small scans and tests; the scan itself uses
   * {@link #compare(Side, Side, Path, LineOut)}.
   */
  public static BaselineDiff compare(List<? extends JsonNode> baseline, List<? extends JsonNode> current) {
    return compare(baseline, current, RUN_CHARS);
  }

  /** As {@link #compare(List, List)}, spilling runs of {@code runChars} (tests make many). */
  static BaselineDiff compare(List<? extends JsonNode> baseline, List<? extends JsonNode> current, long runChars) {
    try {
      Path scratch = Files.createTempDirectory("btf-scan-baseline-");
      try (Side old = Side.of(baseline, scratch, runChars); Side now = Side.of(current, scratch, runChars)) {
        List<String> lines = new ArrayList<>();
        BaselineDiff d = new BaselineDiff(lines, runChars);
        d.run(old, now, scratch, lines::add);
        return d;
      } finally {
        Files.deleteIfExists(scratch);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Compares two sides (each read once), writing {@code baseline.jsonl}'s lines to {@code out};
   * keeps the counts and the first {@link #LISTED} changes. Scratch runs go under {@code scratch}.
   */
  public static BaselineDiff compare(Side baseline, Side current, Path scratch, LineOut out) throws IOException {
    BaselineDiff d = new BaselineDiff(null, RUN_CHARS);
    d.run(baseline, current, scratch, out);
    return d;
  }

  private void run(Side baseline, Side current, Path scratch, LineOut out) throws IOException {
    try (LineSorter leftovers = new LineSorter(scratch, runChars); LineSorter rows = new LineSorter(scratch, runChars)) {
      pairByPath(baseline, current, leftovers, rows);
      pairByName(leftovers, rows);
      try (LineSorter.Sorted sorted = rows.sorted()) {
        for (String line = sorted.next(); line != null; line = sorted.next()) {
          String[] f = SortKey.fields(line);
          ObjectNode row = row(Module.of(f, 8), Module.of(f, 13), f[18]);
          count(row);
          out.accept(Json.line(row));
        }
      }
    }
  }

  /**
   * Pairs the rows of one package and path, the k-th of this scan with the k-th of the baseline
   * (both sides come sorted by package, path and position); the rest go to {@code leftovers}.
   */
  private static void pairByPath(Side baseline, Side current, LineSorter leftovers, LineSorter rows) throws IOException {
    try (LineSorter.Sorted olds = baseline.byPath.sorted(); LineSorter.Sorted news = current.byPath.sorted()) {
      Indexed o = baseline.next(olds);
      Indexed n = current.next(news);
      while (o != null || n != null) {
        int c = o == null ? 1 : n == null ? -1 : comparePath(o.m(), n.m());
        if (c < 0) {
          leftovers.add(SortKey.of(o.m().module, o.m().release, "0", o.m().path, o.m().pkg, SortKey.number(o.index()),
              o.m().verdict));
          o = baseline.next(olds);
        } else if (c > 0) {
          leftovers.add(SortKey.of(n.m().module, n.m().release, "1", n.m().path, n.m().pkg, SortKey.number(n.index()),
              n.m().verdict));
          n = current.next(news);
        } else {
          emit(rows, o.m(), n.m(), BY_PATH, "0", "", "", n.index());
          o = baseline.next(olds);
          n = current.next(news);
        }
      }
    }
  }

  private static int comparePath(Module a, Module b) {
    int c = a.pkg.compareTo(b.pkg);
    return c != 0 ? c : a.path.compareTo(b.path);
  }

  /**
   * Pairs the leftovers of each (module, release), the baseline's in (path, package) order each
   * with the most alike of this scan's; what is left is new or gone.
   */
  private static void pairByName(LineSorter leftovers, LineSorter rows) throws IOException {
    try (LineSorter.Sorted sorted = leftovers.sorted()) {
      String[] f = fieldsOf(sorted.next());
      while (f != null) {
        String module = f[0];
        String release = f[1];
        List<Module> olds = new ArrayList<>();
        List<Module> news = new ArrayList<>();
        for (; f != null && f[0].equals(module) && f[1].equals(release); f = fieldsOf(sorted.next())) {
          (f[2].equals("0") ? olds : news).add(new Module(f[4], f[3], module, release, f[6]));
        }
        long j = 0;
        if (!news.isEmpty()) {
          for (Module o : new ArrayList<>(olds)) {
            Module best = null;
            int bestScore = -1;
            for (Module n : news) {
              int score = likeness(o, n);
              if (score > bestScore) {
                best = n;
                bestScore = score;
              }
            }
            if (best == null) {
              break;
            }
            emit(rows, o, best, BY_NAME, "1", module, release, j++);
            news.remove(best);
            olds.remove(o);
          }
          for (Module n : news) {
            emit(rows, null, n, null, "1", module, release, j++);
          }
        }
        long k = 0;
        for (Module o : olds) {
          emit(rows, o, null, null, "2", module, release, k++);
        }
      }
    }
  }

  private static String[] fieldsOf(String line) {
    return line == null ? null : SortKey.fields(line);
  }

  /**
   * Queues a row for {@code baseline.jsonl}, sorted by package and path (a gone module's old
   * ones), then old package and path ({@code "null"} for a new module), then the order in which
   * the pairing made it ({@code phase}, group, position), which settles ties between entries of
   * one name.
   */
  private static void emit(LineSorter rows, Module old, Module now, String matchedBy, String phase, String groupModule,
      String groupRelease, long position) throws IOException {
    Module at = now != null ? now : old;
    String[] key = {at.pkg, at.path, old == null ? "null" : old.pkg, old == null ? "null" : old.path, phase,
        groupModule, groupRelease, SortKey.number(position)};
    List<String> fields = new ArrayList<>(java.util.Arrays.asList(key)); // (List.of refuses the nulls)
    fields.addAll(java.util.Arrays.asList(Module.fields(old)));
    fields.addAll(java.util.Arrays.asList(Module.fields(now)));
    fields.add(matchedBy);
    rows.add(SortKey.of(fields.toArray(new String[0])));
  }

  private void count(ObjectNode r) {
    Change c = change(r);
    counts.merge(c, 1L, Long::sum);
    if (c == Change.CHANGED) {
      transitions.merge(r.path("old_verdict").asText() + " -> " + r.path("verdict").asText(), 1L, Long::sum);
    }
    if (c != Change.SAME && firstChanges.get(c).size() < LISTED) {
      firstChanges.get(c).add(r);
    }
  }

  /** Every module of both scans, sorted by package and path (a gone module by its old ones); in memory only. */
  public List<ObjectNode> rows() {
    requireInMemory();
    return lines.stream().map(Json::parse).toList();
  }

  /** The {@code baseline.jsonl} lines, in {@link #rows()} order; in memory only. */
  public List<String> lines() {
    requireInMemory();
    return List.copyOf(lines);
  }

  private void requireInMemory() {
    if (lines == null) {
      throw new IllegalStateException("the rows were written to baseline.jsonl, not kept");
    }
  }

  /**
   * The first {@link #LISTED} rows that are not {@link Change#SAME}: verdict changes first, then
   * new, then gone, each in package and path order.
   */
  public List<ObjectNode> changes() {
    List<ObjectNode> out = new ArrayList<>();
    for (Change c : List.of(Change.CHANGED, Change.NEW, Change.GONE)) {
      out.addAll(firstChanges.get(c));
    }
    return List.copyOf(out.subList(0, Math.min(out.size(), LISTED)));
  }

  /** How many rows are not {@link Change#SAME} (more than {@link #changes()} lists, past {@link #LISTED}). */
  public long changeCount() {
    return counts.get(Change.CHANGED) + counts.get(Change.NEW) + counts.get(Change.GONE);
  }

  public long count(Change change) {
    return counts.get(change);
  }

  /** Verdict changes as {@code "ok -> mismatch"} to how many modules, sorted. */
  public Map<String, Long> transitions() {
    return transitions;
  }

  public static Change change(JsonNode row) {
    String label = row.path("change").asText();
    for (Change c : Change.values()) {
      if (c.label.equals(label)) {
        return c;
      }
    }
    throw new IllegalArgumentException("not a baseline row: change '" + label + "'");
  }

  /**
   * How alike two copies of one (module, release) are, for pairing across renamed packages: the
   * same path first, then the longer common start of the package names
   * ({@code linux-x86.tar} is {@code linux-x86.tar.gz} before it is {@code other.deb}).
   */
  private static int likeness(Module old, Module now) {
    String a = old.pkg;
    String b = now.pkg;
    int prefix = 0;
    while (prefix < a.length() && prefix < b.length() && a.charAt(prefix) == b.charAt(prefix)) {
      prefix++;
    }
    boolean samePath = old.path.equals(now.path);
    return (samePath ? 1 << 20 : 0) + Math.min(prefix, (1 << 20) - 1);
  }

  private static ObjectNode row(Module old, Module now, String matchedBy) {
    Module at = now != null ? now : old;
    Change c = now == null ? Change.GONE
        : old == null ? Change.NEW
        : old.verdict.equals(now.verdict) ? Change.SAME : Change.CHANGED;
    ObjectNode o = Json.object();
    o.put("package", at.pkg);
    o.put("path", at.path);
    o.put("module", at.module);
    o.put("release", at.release);
    o.put("change", c.label());
    o.put("old_verdict", old == null ? null : old.verdict);
    o.put("verdict", now == null ? null : now.verdict);
    o.put("old_package", old == null ? null : old.pkg);
    o.put("old_path", old == null ? null : old.path);
    o.put("matched_by", matchedBy);
    return o;
  }
}
