package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The baseline comparison as it was first written, holding both scans' rows in maps: the
 * reference {@link BaselineDiff}'s streaming comparison is checked against.
 */
final class BaselineDiffReference {
  private BaselineDiffReference() {}

  static final String BY_PATH = BaselineDiff.BY_PATH;
  static final String BY_NAME = BaselineDiff.BY_NAME;

  private static final Comparator<JsonNode> ORDER = Comparator
      .comparing((JsonNode r) -> r.path("package").asText())
      .thenComparing(r -> r.path("path").asText())
      .thenComparing(r -> r.path("old_package").asText())
      .thenComparing(r -> r.path("old_path").asText());

  /** Compares the module rows of a baseline scan with this scan's. */
  static List<ObjectNode> compare(List<? extends JsonNode> baseline, List<? extends JsonNode> current) {
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
    return out;
  }

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
    BaselineDiff.Change c = now == null ? BaselineDiff.Change.GONE
        : old == null ? BaselineDiff.Change.NEW
        : old.path("verdict").asText().equals(now.path("verdict").asText()) ? BaselineDiff.Change.SAME : BaselineDiff.Change.CHANGED;
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
