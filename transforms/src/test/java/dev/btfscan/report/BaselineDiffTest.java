package dev.btfscan.report;

import static dev.btfscan.report.ReportSamples.module;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineDiffTest {
  static String summary(ObjectNode r) {
    return r.path("change").asText() + " " + r.path("module").asText() + " " + r.path("old_verdict").asText("-") + "->"
        + r.path("verdict").asText("-") + " by " + r.path("matched_by").asText("-");
  }

  static List<String> summaries(BaselineDiff d) {
    return d.rows().stream().map(BaselineDiffTest::summary).toList();
  }

  @Test
  void theSamePackageAndPathIsTheSameModuleWithItsVerdictSameOrChanged() {
    BaselineDiff d = BaselineDiff.compare(
        List.of(module("a.deb", "a.ko", "a", "r1", "ok"), module("a.deb", "b.ko", "b", "r1", "ok")),
        List.of(module("a.deb", "a.ko", "a", "r1", "ok"), module("a.deb", "b.ko", "b", "r1", "mismatch")));
    assertEquals(List.of("same a ok->ok by package+path", "changed b ok->mismatch by package+path"), summaries(d));
    assertEquals(Map.of("ok -> mismatch", 1L), d.transitions());
    assertEquals(1, d.count(BaselineDiff.Change.SAME));
    assertEquals(1, d.count(BaselineDiff.Change.CHANGED));
  }

  @Test
  void aRenamedPackageFallsBackToModuleNameAndRelease() {
    BaselineDiff d = BaselineDiff.compare(
        List.of(module("linux-image_6.1.170-3_amd64.deb", "lib/modules/r/a.ko", "a", "r", "ok")),
        List.of(module("linux-image_6.1.170-4_amd64.deb", "lib/modules/r/a.ko", "a", "r", "relocated")));
    ObjectNode r = d.rows().get(0);
    assertEquals("changed a ok->relocated by module+release", summary(r));
    assertEquals("linux-image_6.1.170-4_amd64.deb", r.path("package").asText());
    assertEquals("linux-image_6.1.170-3_amd64.deb", r.path("old_package").asText());
    assertEquals(1, d.rows().size());
  }

  @Test
  void modulesOnOneSideOnlyAreNewOrGoneAndAnotherReleaseIsAnotherModule() {
    BaselineDiff d = BaselineDiff.compare(
        List.of(module("old.deb", "a.ko", "a", "r1", "ok"), module("old.deb", "x.ko", "x", "r1", "no-btf")),
        List.of(module("new.deb", "a.ko", "a", "r2", "ok"), module("new.deb", "y.ko", "y", "r2", "ok")));
    assertEquals(List.of("new a -->ok by -", "new y -->ok by -", "gone a ok->- by -", "gone x no-btf->- by -"), summaries(d));
    assertEquals(2, d.count(BaselineDiff.Change.NEW));
    assertEquals(2, d.count(BaselineDiff.Change.GONE));
    assertEquals(List.of("new", "new", "gone", "gone"),
        d.changes().stream().map(r -> r.path("change").asText()).toList());
  }

  @Test
  void severalCopiesOfAModuleInRenamedPackagesPairInPathOrderAndTheRestIsNew() {
    BaselineDiff d = BaselineDiff.compare(
        List.of(module("k-1.deb", "lib/modules/r/b/m.ko", "m", "r", "ok"), module("k-1.deb", "lib/modules/r/a/m.ko", "m", "r", "invalid")),
        List.of(module("k-2.deb", "lib/modules/r/a/m.ko", "m", "r", "invalid"), module("k-2.deb", "lib/modules/r/b/m.ko", "m", "r", "ok"),
            module("k-2.deb", "lib/modules/r/c/m.ko", "m", "r", "ok")));
    assertEquals(List.of("same m invalid->invalid by module+release", "same m ok->ok by module+release", "new m -->ok by -"),
        summaries(d));
    assertEquals("lib/modules/r/a/m.ko", d.rows().get(0).path("old_path").asText());
  }

  @Test
  void aRenamedPackagePairsWithTheMostAlikeNameWhenSeveralPackagesHoldTheModule() {
    BaselineDiff d = BaselineDiff.compare(
        List.of(module("linux-x86.tar", "lib/modules/r/a.ko", "a", "r", "no-vmlinux")),
        List.of(module("fixture-image.deb", "lib/modules/r/a.ko", "a", "r", "ok"),
            module("linux-x86.tar.gz", "lib/modules/r/a.ko", "a", "r", "ok")));
    assertEquals(List.of("new a -->ok by -", "changed a no-vmlinux->ok by module+release"), summaries(d));
    assertEquals("linux-x86.tar.gz", d.rows().get(1).path("package").asText());
  }

  @Test
  void linesAreSortedByPackageAndPathWhateverTheInputOrder() {
    List<ObjectNode> now = List.of(module("b.deb", "z.ko", "z", "r", "ok"), module("a.deb", "y.ko", "y", "r", "ok"),
        module("b.deb", "a.ko", "a", "r", "ok"));
    List<ObjectNode> reversed = List.of(now.get(2), now.get(1), now.get(0));
    List<String> lines = BaselineDiff.compare(List.of(), now).lines();
    assertEquals(lines, BaselineDiff.compare(List.of(), reversed).lines());
    assertEquals(List.of("y", "a", "z"), BaselineDiff.compare(List.of(), now).rows().stream()
        .map(r -> r.path("module").asText()).toList());
    assertEquals("{\"package\":\"a.deb\",\"path\":\"y.ko\",\"module\":\"y\",\"release\":\"r\",\"change\":\"new\","
        + "\"old_verdict\":null,\"verdict\":\"ok\",\"old_package\":null,\"old_path\":null,\"matched_by\":null}", lines.get(0));
  }

  @Test
  void aRowThatIsNotABaselineRowIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaselineDiff.change(Json.object()));
    assertEquals("not a baseline row: change ''", e.getMessage());
  }
}
