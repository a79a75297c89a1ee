package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed, module by module, between an earlier scan's {@code modules.jsonl} (the baseline)
 * and this one's: {@code baseline.jsonl}.
 *
 * <p>A module is the same module in both scans when it has the same package and path; modules
 * left over on both sides are then paired by module name and release, so a package renamed between
 * builds ({@code ..._6.1.170-3_amd64.deb} to {@code ..._6.1.170-4_amd64.deb}) does not make every
 * module in it gone and new. Within one (module, release) each leftover of the baseline, in
 * (path, package) order, takes the most alike leftover of this scan: same path first, then the
 * longest common start of the package names; what is still left over is new or gone.
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

  private static final Comparator<JsonNode> ORDER = Comparator
      .comparing((JsonNode r) -> r.path("package").asText())
      .thenComparing(r -> r.path("path").asText())
      .thenComparing(r -> r.path("old_package").asText())
      .thenComparing(r -> r.path("old_path").asText());

  private final List<ObjectNode> rows;
  private final Map<Change, Long> counts = new EnumMap<>(Change.class);
  private final Map<String, Long> transitions = new TreeMap<>();

  private BaselineDiff(List<ObjectNode> rows) {
    this.rows = List.copyOf(rows);
    for (Change c : Change.values()) {
      counts.put(c, 0L);
    }
    for (ObjectNode r : rows) {
      Change c = change(r);
      counts.merge(c, 1L, Long::sum);
      if (c == Change.CHANGED) {
        transitions.merge(r.path("old_verdict").asText() + " -> " + r.path("verdict").asText(), 1L, Long::sum);
      }
    }
  }

  /** Compares the module rows of a baseline scan with this scan's. */
  public static BaselineDiff compare(List<? extends JsonNode> baseline, List<? extends JsonNode> current) {
    Map<String, Deque<JsonNode>> oldByKey = new TreeMap<>();
    for (JsonNode r : baseline) {
      oldByKey.computeIfAbsent(ScanRows.key(r), k -> new ArrayDeque<>()).add(r);
    }
    List<ObjectNode> out = new ArrayList<>();
    List<JsonNode> newLeft = new ArrayList<>();
    for (JsonNode r : current) {
      Deque<JsonNode> same = oldByKey.get(ScanRows.key(r));
      if (same != null && !same.isEmpty()) {
        out.add(row(same.poll(), r, BY_PATH));
      } else {
        newLeft.add(r);
      }
    }
    Map<String, List<JsonNode>> oldByName = new TreeMap<>();
    oldByKey.values().forEach(q -> q.forEach(r -> oldByName.computeIfAbsent(nameKey(r), k -> new ArrayList<>()).add(r)));
    Map<String, List<JsonNode>> newByName = new TreeMap<>();
    newLeft.forEach(r -> newByName.computeIfAbsent(nameKey(r), k -> new ArrayList<>()).add(r));
    Comparator<JsonNode> pathOrder = Comparator.comparing((JsonNode r) -> r.path("path").asText())
        .thenComparing(r -> r.path("package").asText());
    for (Map.Entry<String, List<JsonNode>> e : newByName.entrySet()) {
      List<JsonNode> news = new ArrayList<>(e.getValue());
      List<JsonNode> olds = new ArrayList<>(oldByName.getOrDefault(e.getKey(), List.of()));
      news.sort(pathOrder);
      olds.sort(pathOrder);
      for (JsonNode o : new ArrayList<>(olds)) {
        JsonNode best = null;
        int bestScore = -1;
        for (JsonNode n : news) {
          int score = likeness(o, n);
          if (score > bestScore) {
            best = n;
            bestScore = score;
          }
        }
        if (best == null) {
          break;
        }
        out.add(row(o, best, BY_NAME));
        news.remove(best);
        olds.remove(o);
      }
      news.forEach(n -> out.add(row(null, n, null)));
      oldByName.put(e.getKey(), olds);
    }
    oldByName.values().forEach(l -> l.forEach(r -> out.add(row(r, null, null))));
    out.sort(ORDER);
    return new BaselineDiff(out);
  }

  /** Every module of both scans, sorted by package and path (a gone module by its old ones). */
  public List<ObjectNode> rows() {
    return rows;
  }

  /**
   * The rows that are not {@link Change#SAME}: verdict changes first, then new, then gone, each
   * in package and path order.
   */
  public List<ObjectNode> changes() {
    List<Change> order = List.of(Change.CHANGED, Change.NEW, Change.GONE);
    return rows.stream()
        .filter(r -> change(r) != Change.SAME)
        .sorted(Comparator.comparingInt((ObjectNode r) -> order.indexOf(change(r))))
        .toList();
  }

  /** The {@code baseline.jsonl} lines, in {@link #rows()} order. */
  public List<String> lines() {
    return rows.stream().map(Json::line).toList();
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
  private static int likeness(JsonNode old, JsonNode now) {
    String a = old.path("package").asText();
    String b = now.path("package").asText();
    int prefix = 0;
    while (prefix < a.length() && prefix < b.length() && a.charAt(prefix) == b.charAt(prefix)) {
      prefix++;
    }
    boolean samePath = old.path("path").asText().equals(now.path("path").asText());
    return (samePath ? 1 << 20 : 0) + Math.min(prefix, (1 << 20) - 1);
  }

  private static String nameKey(JsonNode r) {
    return r.path("module").asText() + "\u0000" + r.path("release").asText();
  }

  private static ObjectNode row(JsonNode old, JsonNode now, String matchedBy) {
    JsonNode at = now != null ? now : old;
    Change c = now == null ? Change.GONE
        : old == null ? Change.NEW
        : old.path("verdict").asText().equals(now.path("verdict").asText()) ? Change.SAME : Change.CHANGED;
    ObjectNode o = Json.object();
    o.put("package", at.path("package").asText());
    o.put("path", at.path("path").asText());
    o.put("module", at.path("module").asText());
    o.put("release", at.path("release").asText());
    o.put("change", c.label());
    putText(o, "old_verdict", old, "verdict");
    putText(o, "verdict", now, "verdict");
    putText(o, "old_package", old, "package");
    putText(o, "old_path", old, "path");
    if (matchedBy == null) {
      o.putNull("matched_by");
    } else {
      o.put("matched_by", matchedBy);
    }
    return o;
  }

  private static void putText(ObjectNode o, String field, JsonNode from, String name) {
    if (from == null) {
      o.putNull(field);
    } else {
      o.put(field, from.path(name).asText());
    }
  }
}
