package dev.btfscan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.btfscan.analysis.BuiltAgainst;
import dev.btfscan.analysis.Explanation;
import dev.btfscan.btf.BaseReference;
import dev.btfscan.analysis.KernelBase;
import dev.btfscan.analysis.ModuleResult;
import dev.btfscan.analysis.Verdict;
import dev.btfscan.btf.BtfForm;
import java.util.List;

/** The {@code modules.jsonl} row of one module file. Field names are the report's contract. */
public final class ModuleRow {
  private ModuleRow() {}

  /**
   * @param blob the blob's path under OUT, or {@code null} when none was written
   */
  public static ObjectNode of(ModuleLocation at, ModuleResult r, String blob) {
    ObjectNode o = Json.object();
    o.put("package", at.packageName());
    o.put("path", at.path());
    o.put("module", at.module());
    o.put("release", at.release());
    o.put("arch", at.arch());
    o.put("compression", at.compression());
    o.put("btf", r.form().label());
    o.put("btf_evidence", r.formEvidence());
    o.put("verdict", r.verdict().label());
    o.put("types", r.types());
    KernelBase base = r.base();
    if (base == null) {
      o.putNull("base");
    } else {
      ObjectNode b = o.putObject("base");
      b.put("release", base.release());
      b.put("types", base.types());
      b.put("strings", base.strings());
      b.put("source", base.source());
    }
    BuiltAgainst ba = r.builtAgainst();
    if (ba == null) {
      o.putNull("built_against");
    } else {
      ObjectNode b = o.putObject("built_against");
      putCount(b, "types", ba.types());
      b.put("types_at_least", ba.typesAtLeast());
      putCount(b, "strings", ba.strings());
      if (ba.release() != null) {
        b.put("release", ba.release());
        b.put("source", ba.source());
      } else {
        b.putNull("release");
      }
      b.put("evidence", ba.evidence());
    }
    if (blob == null) {
      o.putNull("blob");
    } else {
      o.put("blob", blob);
    }
    ArrayNode p = o.putArray("problems");
    r.problems().forEach(p::add);
    ArrayNode n = o.putArray("notes");
    r.notes().forEach(n::add);
    return o;
  }

  /**
   * The {@code mismatches.jsonl} row: the module row plus the evidence, reference by reference
   * when the vmlinux it was built against was among the inputs.
   */
  public static ObjectNode mismatch(ObjectNode moduleRow, ModuleResult r) {
    ObjectNode o = moduleRow.deepCopy();
    Explanation why = r.explanation();
    if (why == null) {
      o.putNull("references");
      return o;
    }
    ObjectNode refs = o.putObject("references");
    refs.put("built_on", why.builtOn());
    for (BaseReference.Status s : BaseReference.Status.values()) {
      refs.put(s.name().toLowerCase(java.util.Locale.ROOT), why.count(s));
    }
    refs.put("wrong", why.wrong());
    ObjectNode strings = refs.putObject("strings");
    strings.put("unchanged", why.strings().unchanged());
    strings.put("moved", why.strings().moved());
    strings.put("gone", why.strings().gone());
    ArrayNode ex = strings.putArray("examples");
    why.strings().examples().forEach(ex::add);
    ArrayNode list = refs.putArray("affected");
    for (BaseReference ref : why.notable(200)) {
      ObjectNode x = list.addObject();
      x.put("id", ref.oldId());
      x.put("type", ref.type());
      x.put("status", ref.status().name().toLowerCase(java.util.Locale.ROOT));
      if (ref.newId() >= 0) {
        x.put("new_id", ref.newId());
      }
      if (ref.detail() != null) {
        x.put("detail", ref.detail());
      }
      if (ref.landsOn() != null) {
        x.put("id_now", ref.landsOn());
      }
      ArrayNode users = x.putArray("used_by");
      ref.usedBy().forEach(users::add);
    }
    return o;
  }

  /** A row for a module file that could not be analyzed at all (not an ELF, too large, ...). */
  public static ObjectNode unreadable(ModuleLocation at, List<String> problems) {
    ModuleResult r = new ModuleResult(BtfForm.INVALID, "module file unreadable", Verdict.INVALID, -1, null, null, problems, null);
    return of(at, r, null);
  }

  private static void putCount(ObjectNode o, String field, long value) {
    if (value < 0) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }
}
