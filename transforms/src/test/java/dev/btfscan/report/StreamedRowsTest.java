package dev.btfscan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports of a scan too large to parse into memory read its modules and mismatch rows again per
 * pass, to the same bytes.
 */
class StreamedRowsTest {
  @TempDir Path out;

  private static void writeRows(Path f, List<ObjectNode> rows) throws IOException {
    List<String> lines = new ArrayList<>();
    rows.forEach(r -> lines.add(Json.line(r)));
    Files.write(f, lines, StandardCharsets.UTF_8);
  }

  private ScanRows written() throws IOException {
    ScanRows sample = ReportSamples.scan();
    writeRows(out.resolve("modules.jsonl"), sample.modules());
    writeRows(out.resolve("mismatches.jsonl"), sample.mismatches());
    writeRows(out.resolve("kernels.jsonl"), sample.kernels());
    writeRows(out.resolve("packages.jsonl"), sample.packages());
    return sample;
  }

  @Test
  void streamedRowsRenderTheSameReportsAsRowsInMemory() throws IOException {
    written();
    ScanRows inMemory = ScanRows.read(out);
    ScanRows streamed = ScanRows.read(out, 0, 0);
    assertInstanceOf(StreamedRows.class, streamed.modules());
    assertInstanceOf(StreamedRows.class, streamed.mismatches());
    assertEquals(1, inMemory.mismatches().size());
    assertEquals(inMemory.mismatches(), streamed.mismatches());
    assertEquals(inMemory.modules(), streamed.modules());
    assertEquals(inMemory.modules().size(), streamed.modules().size());

    StringWriter html = new StringWriter();
    HtmlReport.render(streamed, BaselineDiff.compare(inMemory.modules(), streamed.modules()), "old", html);
    assertEquals(HtmlReport.render(inMemory, BaselineDiff.compare(inMemory.modules(), inMemory.modules()), "old"),
        html.toString());
    StringWriter markdown = new StringWriter();
    MarkdownReport.render(streamed, null, null, markdown);
    assertEquals(MarkdownReport.render(inMemory, null, null), markdown.toString());
    assertEquals(inMemory.summary().toJson(), streamed.summary().toJson());
  }

  @Test
  void eachPassReadsTheFileAgainFromItsStart() throws IOException {
    written();
    List<ObjectNode> rows = ScanRows.read(out, 0).modules();
    List<String> first = new ArrayList<>();
    rows.forEach(r -> first.add(r.path("module").asText()));
    List<String> second = rows.stream().map(r -> r.path("module").asText()).toList();
    assertEquals(first, second);
    assertEquals(5, first.size());
    assertEquals("dm_zero", rows.get(1).path("module").asText());
  }

  @Test
  void aDamagedLineIsNamedByFileAndLine() throws IOException {
    written();
    Path modules = out.resolve("modules.jsonl");
    Files.writeString(modules, Files.readString(modules) + "{not json\n");
    IOException e = assertThrows(IOException.class, () -> ScanRows.read(out, 0));
    assertTrue(e.getMessage().contains("modules.jsonl:6"), e.getMessage());
  }
}
