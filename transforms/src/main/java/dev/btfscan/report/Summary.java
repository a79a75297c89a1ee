package dev.btfscan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code summary.json}: counts by verdict, by package and by release, the kernels found, and the
 * packages that could not be read (wholly or in part). Built from the report rows themselves, so
 * it can never disagree with them.
 */
public final class Summary {
  private final Map<String, Long> verdicts = new TreeMap<>();
  private final Map<String, Map<String, Long>> byPackage = new TreeMap<>();
  private final Map<String, Map<String, Long>> byRelease = new TreeMap<>();
  private final Map<String, ObjectNode> packages = new TreeMap<>();
  private long modules;
  private long kernels;

  /** Counts one {@code modules.jsonl} row. */
  public Summary addModule(JsonNode row) {
    String verdict = row.path("verdict").asText();
    modules++;
    verdicts.merge(verdict, 1L, Long::sum);
    byPackage.computeIfAbsent(row.path("package").asText(), k -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
    byRelease.computeIfAbsent(row.path("release").asText(""), k -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
    return this;
  }

  /** Counts one {@code kernels.jsonl} row. */
  public Summary addKernel(JsonNode row) {
    kernels++;
    return this;
  }

  /**
   * Records one package as read: its format, entries and problems (a package that broke
   * half-way keeps its rows and is listed here with the reason). Keyed by name and location: an
   * input that matched nothing may carry the name of a package another input found.
   */
  public Summary addPackage(String name, String location, String format, long entries, long moduleFiles,
      List<String> problems) {
    ObjectNode p = Json.object();
    p.put("package", name);
    p.put("format", format);
    p.put("entries", entries);
    p.put("modules", moduleFiles);
    ArrayNode pr = p.putArray("problems");
    problems.forEach(pr::add);
    packages.put(name + "\u0000" + location, p);
    return this;
  }

  public long modules() {
    return modules;
  }

  public long count(String verdict) {
    return verdicts.getOrDefault(verdict, 0L);
  }

  /** Modules per verdict, sorted by verdict. */
  Map<String, Long> verdicts() {
    return java.util.Collections.unmodifiableMap(verdicts);
  }

  /** Per package (sorted), modules per verdict. */
  Map<String, Map<String, Long>> byPackage() {
    return java.util.Collections.unmodifiableMap(byPackage);
  }

  /** Per release (sorted, "" for none), modules per verdict. */
  Map<String, Map<String, Long>> byRelease() {
    return java.util.Collections.unmodifiableMap(byRelease);
  }

  /** The module rows counted in one pass (the reports' counts: one pass, as their rows may be streamed). */
  static Summary ofModules(Iterable<? extends JsonNode> modules) {
    Summary s = new Summary();
    modules.forEach(s::addModule);
    return s;
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("modules", modules);
    o.put("kernels", kernels);
    o.put("packages", packages.size());
    putCounts(o.putObject("verdicts"), verdicts);
    ObjectNode pk = o.putObject("by_package");
    byPackage.forEach((k, v) -> putCounts(pk.putObject(k), v));
    ObjectNode rel = o.putObject("by_release");
    byRelease.forEach((k, v) -> putCounts(rel.putObject(k), v));
    ArrayNode unread = o.putArray("package_problems");
    packages.values().stream().filter(p -> p.path("problems").size() > 0).forEach(unread::add);
    ArrayNode all = o.putArray("package_list");
    packages.values().forEach(all::add);
    return o;
  }

  /** The short text printed at the end of a run. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%d modules in %d packages, %d kernel images%n", modules, packages.size(), kernels));
    verdicts.forEach((v, n) -> sb.append(String.format("  %-14s %6d%n", v, n)));
    long broken = packages.values().stream().filter(p -> p.path("problems").size() > 0).count();
    if (broken > 0) {
      sb.append(String.format("  %d package(s) with problems: see summary.json%n", broken));
    }
    return sb.toString();
  }

  private static void putCounts(ObjectNode o, Map<String, Long> counts) {
    counts.forEach(o::put);
  }
}
