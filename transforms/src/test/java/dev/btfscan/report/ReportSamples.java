package dev.btfscan.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Hand-made report rows, shaped like the ones the scan writes. */
final class ReportSamples {
  private ReportSamples() {}

  static final String HOSTILE = "<script>alert(1)</script>.ko";

  static ObjectNode module(String pkg, String path, String module, String release, String verdict, String... problems) {
    ObjectNode o = Json.object();
    o.put("package", pkg);
    o.put("path", path);
    o.put("module", module);
    o.put("release", release);
    o.put("arch", "x86_64");
    o.put("compression", "none");
    o.put("btf", "split");
    o.put("btf_evidence", "sample");
    o.put("verdict", verdict);
    o.put("types", 100 + path.length());
    o.putNull("base");
    ObjectNode ba = o.putObject("built_against");
    ba.put("types", 95057);
    ba.put("types_at_least", 95056);
    ba.put("strings", 1691411);
    if (verdict.equals("mismatch")) {
      ba.putNull("release");
    } else {
      ba.put("release", release);
      ba.put("source", pkg + ":boot/vmlinux");
    }
    ba.put("evidence", "sample");
    o.putNull("blob");
    o.putArray("problems").addAll(List.of(problems).stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList());
    o.putArray("notes");
    return o;
  }

  /** The mismatches.jsonl row of {@code row}: one changed, one gone and one wrong reference. */
  static ObjectNode mismatch(ObjectNode row) {
    ObjectNode o = row.deepCopy();
    ObjectNode refs = o.putObject("references");
    refs.put("built_on", "6.1.0-47-cloud-amd64");
    refs.put("unchanged", 40);
    refs.put("moved", 2);
    refs.put("changed", 1);
    refs.put("gone", 1);
    refs.put("wrong", 1);
    var list = refs.putArray("affected");
    ObjectNode changed = list.addObject();
    changed.put("id", 4711);
    changed.put("type", "STRUCT 'sk_buff'");
    changed.put("status", "changed");
    changed.put("new_id", 4712);
    changed.put("detail", "size 232 -> 240");
    changed.put("id_now", "FUNC 'kfree_skb<img src=x onerror=alert(2)>'");
    changed.putArray("used_by").add("struct foo.member bar");
    ObjectNode gone = list.addObject();
    gone.put("id", 812);
    gone.put("type", "STRUCT 'old_thing'");
    gone.put("status", "gone");
    gone.putArray("used_by");
    return o;
  }

  /** A scan of three packages: ok, remapped, a mismatch with references, an invalid hostile name. */
  /**
   * An earlier scan's module rows for {@code now}: {@code nf_dup} was ok then, and {@code demo}
   * did not exist yet when {@code withoutDemo}.
   */
  static java.util.List<ObjectNode> baselineOf(ScanRows now, boolean withoutDemo) {
    java.util.List<ObjectNode> old = new java.util.ArrayList<>();
    for (ObjectNode r : now.modules()) {
      ObjectNode o = r.deepCopy();
      if (o.path("module").asText().equals("nf_dup")) {
        o.put("verdict", "ok");
      }
      if (!withoutDemo || !o.path("module").asText().equals("demo")) {
        old.add(o);
      }
    }
    return old;
  }

  static ScanRows scan() {
    List<ObjectNode> modules = new ArrayList<>();
    modules.add(module("linux-image-6.1.0-53_amd64.deb", "lib/modules/6.1.0-53/kernel/af_key.ko", "af_key", "6.1.0-53", "ok"));
    modules.add(module("linux-image-6.1.0-53_amd64.deb", "lib/modules/6.1.0-53/kernel/dm-zero.ko", "dm_zero", "6.1.0-53", "ok"));
    modules.add(module("linux-image-6.1.0-53_amd64.deb", "lib/modules/6.1.0-53/updates/demo.ko", "demo", "6.1.0-53", "remapped"));
    ObjectNode mismatch = module("linux-image-6.1.0-47_amd64.deb", "lib/modules/6.1.0-47/kernel/nf_dup.ko", "nf_dup", "6.1.0-47",
        "mismatch", "built against another base: 1 reference changed, 1 gone");
    modules.add(mismatch);
    modules.add(module("evil.tar", "lib/modules/6.1.0-53/" + HOSTILE, HOSTILE, "6.1.0-53", "invalid",
        "BTF header: <b>bad</b> magic 0x\"eb9f\" & 'more'"));
    ObjectNode pkg = Json.object();
    pkg.put("package", "kernel-only.tar");
    pkg.put("format", "tar");
    pkg.put("entries", 1);
    pkg.put("modules", 0);
    pkg.putArray("problems");
    ObjectNode kernel = Json.object();
    kernel.put("package", "linux-image-6.1.0-53_amd64.deb");
    kernel.put("release", "6.1.0-53");
    return new ScanRows(modules, List.of(mismatch(mismatch)), List.of(kernel), List.of(pkg));
  }
}
