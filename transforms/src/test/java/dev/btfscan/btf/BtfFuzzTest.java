package dev.btfscan.btf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.btfscan.fixtures.Fixtures;

/**
 * Jazzer: any bytes through BtfParser (standalone, then split on tiny.btf) and BtfValidator. Only
 * {@link BtfFormatException} may escape; a RuntimeException, an Error or a hang is a finding.
 * Seeds: {@code src/test/resources/dev/btfscan/btf/BtfFuzzTestInputs/parseAndValidate/}.
 */
class BtfFuzzTest {
  private static Btf base;

  private static synchronized Btf base() throws BtfFormatException {
    if (base == null) {
      base = BtfParser.parse(Fixtures.bytes("elf/le64.btf"));
    }
    return base;
  }

  @FuzzTest(maxDuration = "20s")
  void parseAndValidate(byte[] data) throws BtfFormatException {
    try {
      BtfValidator.validate(BtfParser.parse(data));
    } catch (BtfFormatException e) {
      // documented: malformed or truncated
    }
    try {
      BtfValidator.validate(BtfParser.parse(data, base()));
    } catch (BtfFormatException e) {
      // documented
    }
  }
}
