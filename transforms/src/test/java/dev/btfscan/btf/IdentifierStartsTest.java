package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.testing.RealBtf;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The identifier-start bitmap marks exactly the string starts (offset 0, or just after a NUL) whose
 * string is a valid 6.1 identifier: {@code [A-Za-z_.][A-Za-z0-9_.]*}, NUL-terminated inside the
 * section, shorter than KSYM_NAME_LEN (512) bytes. Held to a string-by-string reading of that rule.
 */
class IdentifierStartsTest {

  /** The rule read string by string: what each bit must say. */
  private static long[] byTheRule(byte[] d, int base, int len) {
    long[] bits = new long[(len + 63) >>> 6];
    for (int s = 0; s < len; s++) {
      if (s > 0 && d[base + s - 1] != 0) {
        continue; // not a string start
      }
      int n = s;
      while (n < len && d[base + n] != 0) {
        n++;
      }
      boolean valid = n < len && n > s && n - s < BtfValidator.KSYM_NAME_LEN;
      for (int p = s; valid && p < n; p++) {
        int c = d[base + p] & 0xff;
        valid = c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (p > s && c >= '0' && c <= '9');
      }
      if (valid) {
        bits[s >>> 6] |= 1L << s;
      }
    }
    return bits;
  }

  private static void assertByTheRule(byte[] d, int base, int len, String what) {
    assertArrayEquals(byTheRule(d, base, len), IdentifierStarts.of(d, base, len), what);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void marksTheStartsOfIdentifiersOnly() {
    byte[] d = ascii("\0int\0long unsigned int\0_x1\0.text\09lives\0a/b\0\0__u8\0");
    long[] bits = IdentifierStarts.of(d, 0, d.length);
    // "int" at 1, "_x1" at 23, ".text" at 27, "__u8" at 45; not "long unsigned int" (spaces),
    // "9lives" (a digit first), "a/b", nor the empty strings at 0 and 44
    assertEquals((1L << 1) | (1L << 23) | (1L << 27) | (1L << 45), bits[0]);
    assertByTheRule(d, 0, d.length, "the example");
  }

  @Test
  void aStringRunningOffTheEndOfTheSectionIsNoIdentifier() {
    byte[] d = ascii("\0abc\0unterminated");
    assertEquals(1L << 1, IdentifierStarts.of(d, 0, d.length)[0]);
    // the same bytes, the section ending before the NUL of "abc"
    assertEquals(0L, IdentifierStarts.of(d, 0, 4)[0]);
  }

  @Test
  void theFirstStringStartsAtOffsetZeroWithoutANul() {
    byte[] d = ascii("first\0second\0");
    assertEquals(1L | (1L << 6), IdentifierStarts.of(d, 0, d.length)[0]);
    // read from inside an array, as a split blob's section is
    byte[] inside = ascii("xx\0!first\0second\0");
    assertEquals(1L | (1L << 6), IdentifierStarts.of(inside, 4, inside.length - 4)[0]);
  }

  @Test
  void namesOf511BytesPassAndOf512DoNot() {
    for (int len = 495; len <= 530; len++) {
      for (int at = 0; at < 9; at++) { // every alignment to the words the bitmap is read in
        byte[] d = new byte[at + 1 + len + 1 + 3 + 1];
        java.util.Arrays.fill(d, at + 1, at + 1 + len, (byte) 'a');
        System.arraycopy(ascii("abc"), 0, d, at + 2 + len, 3);
        long[] bits = IdentifierStarts.of(d, 0, d.length);
        boolean marked = (bits[(at + 1) >>> 6] & (1L << (at + 1))) != 0;
        assertEquals(len < 512, marked, "a name of " + len + " bytes at " + (at + 1));
        assertByTheRule(d, 0, d.length, "a name of " + len + " bytes at " + (at + 1));
        // the name's NUL the section's last byte: the name ends among the last bytes of all,
        // past the last whole word read
        byte[] last = java.util.Arrays.copyOf(d, at + 2 + len);
        marked = (IdentifierStarts.of(last, 0, last.length)[(at + 1) >>> 6] & (1L << (at + 1))) != 0;
        assertEquals(len < 512, marked, "a name of " + len + " bytes at " + (at + 1) + ", last");
        assertByTheRule(last, 0, last.length, "a name of " + len + " bytes at " + (at + 1) + ", last");
      }
    }
  }

  @Test
  void agreesWithTheRuleOnRandomSections() {
    // bytes drawn so that every class meets every other at every alignment: NULs often (short
    // strings), identifier bytes, digits, '/', '-' and a space around the ranges, bytes >= 0x80
    // whose low bits are letters
    byte[] alphabet = ascii("\0\0\0\0aZz_._09/-@[` {\u00e1\u00ff\u0080\u00b0");
    Random rnd = new Random(5);
    for (int round = 0; round < 4300; round++) {
      // the last rounds are sections of many 64-byte blocks: strings, and runs without a NUL of
      // any length around KSYM_NAME_LEN, across many blocks' edges
      int len = rnd.nextInt(round < 2000 ? 80 : round < 4000 ? 1400 : 20000);
      int base = rnd.nextInt(9);
      byte[] d = new byte[base + len + rnd.nextInt(9)];
      int nulEvery = 2 + rnd.nextInt(round % 3 == 0 ? 600 : 24);
      for (int i = 0; i < d.length; i++) {
        d[i] = rnd.nextInt(nulEvery) == 0 ? 0
            : rnd.nextInt(3) == 0 ? alphabet[rnd.nextInt(alphabet.length)]
            : (byte) "abcdefghijklmnopqrstuvwxyz_"
                .charAt(rnd.nextInt(27));
      }
      assertByTheRule(d, base, len, "round " + round);
    }
  }

  @Test
  void agreesWithTheRuleOnARealVmlinux() throws Exception {
    Btf vmlinux = RealBtf.vmlinux(RealBtf.R53);
    byte[] d = vmlinux.array();
    int strings = vmlinux.stringsStart();
    int len = vmlinux.header().strLen();
    assertByTheRule(d, strings, len, "the 53 vmlinux's strings");
  }
}
