package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed malformed corpus is rejected precisely; the other real blobs validate clean. */
class BtfValidatorFixturesTest {

  /**
   * What the parser or the validator says about each malformed blob of {@code fail/FAIL.tsv}:
   * "parse: ..." for a {@link BtfFormatException} message, otherwise text of the first error.
   */
  private static final Map<String, String> EXPECTED = Map.ofEntries(
      Map.entry("empty-fail.btf", "parse: truncated header: need 24 bytes, have 0"),
      Map.entry("header-truncated-fail.btf", "parse: truncated header: need 24 bytes, have 12"),
      Map.entry("bad-magic-fail.btf", "parse: bad magic 0x1234"),
      Map.entry("bad-version-fail.btf", "parse: unsupported version 2"),
      Map.entry("hdr-len-past-end-fail.btf", "parse: truncated header: hdr_len 65536 exceeds"),
      Map.entry("str-len-past-end-fail.btf", "parse: string section [708, 5130) runs past"),
      Map.entry("types-truncated-fail.btf", "parse: type section [0, 708) runs past"),
      Map.entry("str-not-nul-terminated-fail.btf",
          "strings: Invalid string section: last byte is 0x78, not NUL"),
      Map.entry("str-first-not-nul-fail.btf",
          "strings: Invalid string section: a base or standalone section must start with NUL"),
      Map.entry("bad-type-id-fail.btf",
          "type [1] TYPEDEF 'u64': chain reaches invalid type id 9999 (last id 32)"),
      Map.entry("name-off-past-strings-fail.btf",
          "type [1] TYPEDEF <bad name_off>: Invalid name_offset:426 (strings end at 326)"),
      Map.entry("unknown-kind-fail.btf", "parse: type [1] at type offset 0: unknown kind 31"),
      Map.entry("struct-vlen-overflow-fail.btf", "parse: type [9] STRUCT at type offset 148: vlen 65535"),
      Map.entry("array-bad-index-type-fail.btf", "type [21] ARRAY '': invalid type id 7777 (last id 32)"),
      Map.entry("type-len-misaligned-fail.btf", "parse: type_len 706 is not a multiple of 4"));

  static Stream<Arguments> failCorpus() throws IOException {
    List<String[]> rows = Files.readAllLines(Fixtures.path("fail/FAIL.tsv")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("\t"))
        .filter(r -> r[0].endsWith(".btf"))
        .collect(Collectors.toList());
    assertEquals(EXPECTED.keySet(), rows.stream().map(r -> r[0]).collect(Collectors.toSet()),
        "FAIL.tsv and this test list different .btf files");
    return rows.stream().map(r -> Arguments.of(r[0], r[2]));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("failCorpus")
  void malformedBlobIsRejectedWithAPreciseMessage(String file, String defect) {
    byte[] blob = Fixtures.bytes("fail/" + file);
    String expected = EXPECTED.get(file);
    Btf btf;
    try {
      btf = BtfParser.parse(blob);
    } catch (BtfFormatException e) {
      assertTrue(expected.startsWith("parse: ") && e.getMessage().startsWith(expected.substring(7)),
          file + " (" + defect + "): parser said \"" + e.getMessage() + "\", expected " + expected);
      return;
    }
    ValidationResult r = BtfValidator.validate(btf);
    assertTrue(!expected.startsWith("parse: "), file + " parsed, expected " + expected + "; validator:\n" + r);
    assertTrue(r.errorCount() > 0, file + ": no errors");
    assertTrue(r.errors().get(0).toString().startsWith(expected), file + ":\n" + r);
  }

  @Test
  void moduleWithAZeroedBtfMagicIsAFormatException() {
    byte[] section = RealBtf.moduleBtf("fail/module-btf-bad-magic-fail.ko");
    try {
      BtfParser.parse(section, RealBtf.vmlinux(RealBtf.R53));
      fail("parsed");
    } catch (BtfFormatException e) {
      assertTrue(e.getMessage().startsWith("bad magic 0x0000"), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kernels/images/tiny.btf", "elf/le64.btf", "elf/be64.btf", "elf/elf32.btf",
      "elf/elf32arm.btf", "elf/be32.btf", "elf/tags.btf", "oot/btfscan_demo-distilled.base.btf"})
  void realStandaloneBlobIsClean(String file) throws BtfFormatException {
    ValidationResult r = BtfValidator.validate(BtfParser.parse(Fixtures.bytes(file)));
    assertEquals(0, r.errorCount() + r.warningCount(), file + ":\n" + r);
  }

  @Test
  void tagsObjectHasTagsAndIsClean() throws BtfFormatException {
    Btf tags = BtfParser.parse(Fixtures.bytes("elf/tags.btf"));
    boolean decl = false;
    boolean type = false;
    for (int id = 1; id < tags.endId(); id++) {
      decl |= tags.kind(id) == BtfKind.DECL_TAG;
      type |= tags.kind(id) == BtfKind.TYPE_TAG;
    }
    assertTrue(decl && type, "tags.btf should hold DECL_TAG and TYPE_TAG");
    assertEquals(0, BtfValidator.validate(tags).errorCount());
  }

  @Test
  void distilledModuleIsCleanOnItsDistilledBase() throws BtfFormatException {
    Btf base = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-distilled.base.btf"));
    Btf module = BtfParser.parse(Fixtures.bytes("oot/btfscan_demo-distilled.btf"), base);
    ValidationResult r = BtfValidator.validate(module);
    assertEquals(0, r.errorCount() + r.warningCount(), r.toString());
  }
}
