package dev.btfscan.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module's {@code .modinfo} section: NUL-separated {@code key=value} strings, as
 * {@code modinfo(8)} reads them. Keys may repeat ({@code alias}, {@code parm}, {@code firmware}),
 * so every key maps to its values in file order. Runs of NULs (alignment padding between entries)
 * are skipped; an entry without '=' is kept as a key with an empty value, as modinfo does.
 */
public final class ModInfo {
  private static final ModInfo EMPTY = new ModInfo(Map.of());

  private final Map<String, List<String>> entries;

  private ModInfo(Map<String, List<String>> entries) {
    this.entries = entries;
  }

  /** An empty {@code .modinfo}: what a module without the section has. */
  public static ModInfo empty() {
    return EMPTY;
  }

  public static ModInfo parse(byte[] section) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    int start = 0;
    for (int p = 0; p <= section.length; p++) {
      if (p == section.length || section[p] == 0) {
        if (p > start) {
          String entry = new String(section, start, p - start, StandardCharsets.UTF_8);
          int eq = entry.indexOf('=');
          String key = eq < 0 ? entry : entry.substring(0, eq);
          String value = eq < 0 ? "" : entry.substring(eq + 1);
          map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        start = p + 1;
      }
    }
    map.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return new ModInfo(Collections.unmodifiableMap(map));
  }

  /** The first value of {@code key}. */
  public Optional<String> get(String key) {
    List<String> values = entries.get(key);
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Every value of {@code key}, in file order; empty when absent. */
  public List<String> getAll(String key) {
    return entries.getOrDefault(key, List.of());
  }

  /** All entries, keys in file order of first appearance. */
  public Map<String, List<String>> asMap() {
    return entries;
  }

  /** The module name (kernels before 5.x did not write it; the file name is the fallback then). */
  public Optional<String> name() {
    return get("name");
  }

  /** e.g. "6.1.0-53-cloud-amd64 SMP mod_unload modversions ". */
  public Optional<String> vermagic() {
    return get("vermagic");
  }

  /** The kernel release the module was built for: the first space-separated token of vermagic. */
  public Optional<String> release() {
    return vermagic().map(String::strip).filter(v -> !v.isEmpty()).map(v -> v.split(" ", 2)[0]);
  }

  /** Modules this one needs loaded first; the key is present but empty for leaf modules. */
  public List<String> depends() {
    List<String> out = new ArrayList<>();
    for (String d : get("depends").orElse("").split(",")) {
      if (!d.isEmpty()) {
        out.add(d);
      }
    }
    return Collections.unmodifiableList(out);
  }

  public Optional<String> license() {
    return get("license");
  }

  public Optional<String> srcversion() {
    return get("srcversion");
  }

  @Override
  public String toString() {
    return "ModInfo" + entries;
  }
}
