package dev.btfscan.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.report.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan's row collections, asserted in the pipeline with PAssert (JUnit 5, no TestPipeline rule). */
class ScanRowsPAssertTest {
  @TempDir Path tmp;

  @Test
  void aDebWithItsVmlinuxGivesOneRowPerModuleWithTheExpectedVerdicts() throws Exception {
    String deb = Fixtures.path("packages/deb/btfscan-fixture-image_6.1.0-53_amd64.xz.deb").toString();
    Pipeline p = Pipeline.create(ScanFixtures.testOptions(2));
    // The pipeline's way (not judged in the reader, whose rows reach the reports as spilled runs
    // only): JudgeWhileReadingScanTest holds the two ways to the same bytes.
    ScanPipeline.Rows rows = ScanPipeline.build(p, ScanFixtures.config(List.of(deb), tmp.resolve("unused")), null,
        tmp.toString(), false);
    PAssert.that(rows.modules()).satisfies(kvs -> {
      Map<String, String> verdicts = new TreeMap<>();
      for (String line : kvs) {
        JsonNode row = Json.parse(line);
        verdicts.put(row.path("module").asText(), row.path("verdict").asText());
      }
      assertEquals(Map.of("af_key", "ok", "dm_zero", "ok", "btfscan_demo", "remapped"), verdicts);
      return null;
    });
    PAssert.that(rows.mismatches()).empty();
    PAssert.that(rows.kernels()).satisfies(kvs -> {
      int n = 0;
      for (String line : kvs) {
        JsonNode row = Json.parse(line);
        assertEquals("raw", row.path("format").asText());
        assertEquals(95057, row.path("types").asLong());
        assertEquals("5a42fb0112adc43eebd7cad75d43e1697ce62bfe137b6d481710c888d1e8a766", row.path("sha256").asText());
        n++;
      }
      assertEquals(1, n);
      return null;
    });
    p.run().waitUntilFinish();
  }
}
