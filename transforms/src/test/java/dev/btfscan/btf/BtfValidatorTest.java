package dev.btfscan.btf;

import static dev.btfscan.btf.Blobs.assertClean;
import static dev.btfscan.btf.Blobs.assertError;
import static dev.btfscan.btf.Blobs.assertErrorCount;
import static dev.btfscan.btf.Blobs.assertProblem;
import static dev.btfscan.btf.Blobs.getInt;
import static dev.btfscan.btf.Blobs.info;
import static dev.btfscan.btf.Blobs.infoKflag;
import static dev.btfscan.btf.Blobs.intData;
import static dev.btfscan.btf.Blobs.le;
import static dev.btfscan.btf.Blobs.putInt;
import static dev.btfscan.btf.Blobs.validate;
import static dev.btfscan.btf.Blobs.withInts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BtfProblem.Severity;
import dev.btfscan.btf.BtfProblem.Stage;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BtfValidatorTest {
  private static final int HDR = BtfHeader.BASE_SIZE;

  @Test
  void wellFormedBlobWithEveryKindIsClean() {
    assertClean(validate(EveryKind.blob()));
  }

  @Test
  void bigEndianBlobIsCheckedLikeLittleEndian() throws BtfFormatException {
    assertClean(BtfValidator.validate(BtfParser.parse(EveryKind.builder().build(ByteOrder.BIG_ENDIAN))));
  }

  @Nested
  class Truncation {
    @ParameterizedTest(name = "cut to {0} bytes")
    @ValueSource(ints = {0, 1, 2, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23})
    void headerCutInsideAFieldIsAFormatException(int cut) {
      byte[] blob = Arrays.copyOf(le(withInts()), cut);
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
      assertEquals("truncated header: need 24 bytes, have " + cut, e.getMessage());
    }

    @Test
    void hdrLenPastTheDataIsAFormatException() {
      byte[] blob = Arrays.copyOf(le(withInts()), 28);
      putInt(blob, 4, 32);
      putInt(blob, 8 + 4, 0);
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(Arrays.copyOf(blob, 28)));
      assertTrue(e.getMessage().contains("hdr_len 32 exceeds the 28 bytes available"), e.getMessage());
    }

    @Test
    void typeSectionCutShortIsAFormatException() {
      byte[] full = le(withInts());
      byte[] blob = Arrays.copyOf(full, HDR + 20);
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
      assertTrue(e.getMessage().startsWith("type section [0, 32) runs past the 20 bytes after the header"),
          e.getMessage());
    }

    @Test
    void stringSectionCutShortIsAFormatException() {
      byte[] full = le(withInts());
      byte[] blob = Arrays.copyOf(full, full.length - 2);
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
      assertTrue(e.getMessage().startsWith("string section [32, 42) runs past"), e.getMessage());
    }

    @Test
    void recordCutByTheTypeLengthIsAFormatException() {
      byte[] blob = le(withInts());
      putInt(blob, 12, 28); // type_len: the second INT loses its data word
      putInt(blob, 16, 32);
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
      assertTrue(e.getMessage().contains("type [2] INT at type offset 16: vlen 0 needs 16 bytes, only 12 left"),
          e.getMessage());
    }
  }

  @Nested
  class Sections {
    @Test
    void gapBetweenTypesAndStringsIsUnsupportedSection() {
      byte[] good = le(withInts());
      int typeLen = getInt(good, 12);
      byte[] blob = new byte[good.length + 4];
      System.arraycopy(good, 0, blob, 0, HDR + typeLen);
      System.arraycopy(good, HDR + typeLen, blob, HDR + typeLen + 4, good.length - HDR - typeLen);
      putInt(blob, 16, typeLen + 4);
      ValidationResult r = validate(blob);
      BtfProblem p = assertError(r, "header: Unsupported section found: 4 unaccounted bytes before the string section at 36");
      assertEquals(Stage.HEADER, p.stage());
      assertEquals(HDR + typeLen, p.offset());
      assertErrorCount(r, 1);
    }

    @Test
    void trailingBytesAfterTheStringsAreUnsupportedSection() {
      byte[] blob = Arrays.copyOf(le(withInts()), le(withInts()).length + 8);
      ValidationResult r = validate(blob);
      assertError(r, "Unsupported section found: 8 trailing bytes after the last section");
      assertError(r, "String section is not at the end");
    }

    @Test
    void typeSectionNotAtTheStartIsAGap() {
      byte[] good = le(withInts());
      byte[] blob = new byte[good.length + 4];
      System.arraycopy(good, 0, blob, 0, HDR);
      System.arraycopy(good, HDR, blob, HDR + 4, good.length - HDR);
      putInt(blob, 8, 4);
      putInt(blob, 16, getInt(good, 16) + 4);
      assertError(validate(blob), "Unsupported section found: 4 unaccounted bytes before the type section at 4");
    }

    @Test
    void emptyStringSectionInsideTheTypesIsAnOverlap() {
      byte[] blob = le(withInts());
      int strLen = getInt(blob, 20);
      // 16 bytes of types, then an empty "string section" at 8 and the strings moved into a gap.
      putInt(blob, 16, 8);
      putInt(blob, 20, 0);
      ValidationResult r = validate(Arrays.copyOf(blob, HDR + 32));
      assertError(r, "Section overlap found: string section at 8 starts inside the previous section");
      assertTrue(strLen > 0);
    }

    @Test
    void stringsBeforeTypesAreNotAtTheEnd() {
      byte[] good = le(withInts());
      int typeLen = getInt(good, 12);
      int strLen = getInt(good, 20);
      byte[] blob = new byte[good.length];
      System.arraycopy(good, 0, blob, 0, HDR);
      System.arraycopy(good, HDR + typeLen, blob, HDR, strLen);
      // types must stay 4-aligned: pad strings to 12 with NULs is not possible without a gap, so
      // use a 12-byte string section and shift.
      ValidationResult r;
      if (strLen % 4 == 0) {
        System.arraycopy(good, HDR, blob, HDR + strLen, typeLen);
        putInt(blob, 8, strLen);
        putInt(blob, 16, 0);
        r = validate(blob);
        assertError(r, "String section is not at the end");
      }
    }

    @Test
    void standaloneBlobWithoutTypesHasNoTypeFound() {
      assertError(validate(new BtfBuilder(null)), "No type found");
    }
  }

  @Nested
  class Strings {
    @Test
    void lastStringNotNulTerminated() {
      byte[] blob = le(withInts());
      blob[blob.length - 1] = 'x';
      ValidationResult r = validate(blob);
      BtfProblem p = assertError(r, "strings: Invalid string section: last byte is 0x78, not NUL");
      assertEquals(blob.length - 1, p.offset());
    }

    @Test
    void standaloneSectionMustStartWithNul() {
      byte[] blob = le(withInts());
      int strStart = HDR + getInt(blob, 16);
      blob[strStart] = 'z';
      ValidationResult r = validate(blob);
      assertError(r, "must start with NUL (the empty string at offset 0), found 0x7a");
    }

    @Test
    void emptyStandaloneSectionIsInvalid() {
      BtfBuilder b = new BtfBuilder(null);
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 0});
      byte[] blob = le(b);
      putInt(blob, 20, 0);
      ValidationResult r = validate(Arrays.copyOf(blob, blob.length - 1));
      assertError(r, "Invalid string section: empty");
    }

    @Test
    void splitSectionMayBeEmptyAndNeedNotStartWithNul() throws BtfFormatException {
      Btf base = BtfParser.parse(le(withInts()));
      BtfBuilder split = new BtfBuilder(base);
      split.addType(new int[] {0, info(BtfKind.PTR, 0), 1});
      assertClean(BtfValidator.validate(BtfParser.parse(le(split), base)));
      BtfBuilder named = new BtfBuilder(base);
      named.addType(new int[] {named.addString("myint"), info(BtfKind.TYPEDEF, 0), 1});
      assertClean(BtfValidator.validate(BtfParser.parse(le(named), base)));
    }
  }

  @Nested
  class NameOffsets {
    @Test
    void nameOffsetPastTheStringsIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {5000, info(BtfKind.STRUCT, 0), 0});
      ValidationResult r = validate(b);
      BtfProblem p = assertError(r, "type [3] STRUCT <bad name_off>: Invalid name_offset:5000 (strings end at 10)");
      assertEquals(Stage.META, p.stage());
      assertEquals(HDR + 32, p.offset());
    }

    @Test
    void memberNameOffsetPastTheStringsIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, -7, 1, 0});
      assertError(validate(b), "type [3] STRUCT 's' member 0: Invalid member name_offset:4294967289");
    }

    @Test
    void nameOffsetInsideAStringIsAWarning() {
      BtfBuilder b = withInts();
      int off = b.addString("foobar");
      b.addType(new int[] {off + 3, info(BtfKind.STRUCT, 0), 0});
      ValidationResult r = validate(b);
      assertErrorCount(r, 0);
      BtfProblem p = assertProblem(r, Severity.WARNING, "type [3] STRUCT 'bar': name_off 13 points into the middle of a string (reads as 'bar')").get(0);
      assertEquals(Stage.LINT, p.stage());
    }
  }

  @Nested
  class Identifiers {
    @Test
    void structNameWithADashIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("foo-bar"), info(BtfKind.STRUCT, 0), 0});
      assertError(validate(b), "type [3] STRUCT 'foo-bar': Invalid name: 'foo-bar' is not a valid identifier ('-' at 3)");
    }

    @Test
    void memberNameStartingWithADigitIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("1st"), 1, 0});
      assertError(validate(b), "member 0 '1st': Invalid name: '1st' is not a valid identifier ('1' at 0)");
    }

    @Test
    void typedefFwdFuncAndVarNeedAName() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.TYPEDEF, 0), 1});
      b.addType(new int[] {0, info(BtfKind.FWD, 0), 0});
      b.addType(new int[] {0, info(BtfKind.VAR, 0), 1, 0});
      ValidationResult r = validate(b);
      assertError(r, "type [3] TYPEDEF '': Invalid name: a name is required");
      assertError(r, "type [4] FWD '': Invalid name: a name is required");
      assertError(r, "type [5] VAR '': Invalid name: a name is required");
    }

    @Test
    void enumValuesNeedIdentifiers() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("e"), info(BtfKind.ENUM, 2), 4, b.addString("A"), 0, b.addString("B C"), 1});
      assertError(validate(b), "type [3] ENUM 'e' value 1 'B C': Invalid name: 'B C' is not a valid identifier (' ' at 1)");
    }

    @Test
    void aSplitBlobsNamesInItsBaseStringsObeyTheSameRule() throws BtfFormatException {
      BtfBuilder b = withInts();
      int good = b.addString("list_head");
      int bad = b.addString("no-dash");
      int mid = good + 5; // "head", inside "list_head"
      Btf base = BtfParser.parse(le(b));
      BtfBuilder split = new BtfBuilder(base);
      int s = split.nextId();
      split.addType(new int[] {good, info(BtfKind.STRUCT, 3), 12, good, 1, 0, bad, 1, 32, mid, 1, 64});
      ValidationResult r = BtfValidator.validate(BtfParser.parse(le(split), base));
      assertError(r, "type [" + s + "] STRUCT 'list_head' member 1 'no-dash': Invalid name: 'no-dash' is not a valid identifier ('-' at 2)");
      assertProblem(r, Severity.WARNING, "member 2 'head': name_off " + mid + " points into the middle of a string");
      assertErrorCount(r, 1);
      // validated again on the same (shared) base: the same verdicts, whatever was memoized
      assertEquals(r.problems(), BtfValidator.validate(BtfParser.parse(le(split), base)).problems());
    }

    @Test
    void dotsAreAllowedAsIn61() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("foo.isra.0"), info(BtfKind.TYPEDEF, 0), 1});
      assertClean(validate(b));
    }

    @Test
    void intNamesWithSpacesAreFine() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("long unsigned int"), info(BtfKind.INT, 0), 8, intData(0, 0, 64)});
      assertClean(validate(b));
    }

    @Test
    void modifiersMustBeAnonymous() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("c"), info(BtfKind.CONST, 0), 1});
      assertError(validate(b), "type [3] CONST 'c': Invalid name: must be anonymous, has name_off");
    }

    @Test
    void nameAtTheKsymLimitIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("a".repeat(512)), info(BtfKind.TYPEDEF, 0), 1});
      b.addType(new int[] {b.addString("b".repeat(511)), info(BtfKind.TYPEDEF, 0), 1});
      ValidationResult r = validate(b);
      assertError(r, "type [3] TYPEDEF");
      assertError(r, "name longer than 511 bytes");
      assertErrorCount(r, 1);
    }

    @Test
    void datasecNamesMayHoldAnyPrintable() {
      BtfBuilder b = withInts();
      int v = b.addType(new int[] {b.addString("x"), info(BtfKind.VAR, 0), 1, 1});
      b.addType(new int[] {b.addString(".data..percpu"), info(BtfKind.DATASEC, 1), 4, v, 0, 4});
      b.addType(new int[] {b.addString(".bss/x"), info(BtfKind.DATASEC, 0), 4});
      b.addType(new int[] {b.addString(".bss\tx"), info(BtfKind.DATASEC, 0), 4});
      ValidationResult r = validate(b);
      assertProblem(r, Severity.WARNING, "type [5] DATASEC '.bss/x': section name '.bss/x' is not an identifier: kernels before 6.5 reject it");
      assertError(r, "type [6] DATASEC '.bss\tx': Invalid name: '.bss\tx' is not a valid section name (byte 0x09 at 4)");
      assertErrorCount(r, 1);
    }
  }

  @Nested
  class TypeIds {
    @Test
    void memberTypeIdOutOfRange() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("foo"), info(BtfKind.STRUCT, 3), 12,
          b.addString("a"), 1, 0, b.addString("b"), 2, 32, b.addString("bar"), 99999, 64});
      ValidationResult r = validate(b);
      BtfProblem p = assertError(r, "invalid type id");
      assertEquals("type [3] STRUCT 'foo' member 2 'bar': invalid type id 99999 (last id 3) at offset 0x"
          + Integer.toHexString(HDR + 32 + 12 + 2 * 12 + 4), p.toString());
      assertEquals(Stage.RESOLVE, p.stage());
      assertEquals(2, p.member());
      assertErrorCount(r, 1);
    }

    @Test
    void everyReferenceSlotIsRangeChecked() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 50});
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 51, 52, 4});
      b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 1), 53, b.addString("p"), 54});
      b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 1), 55});
      ValidationResult r = validate(b);
      for (int id = 50; id <= 55; id++) {
        assertError(r, "invalid type id " + id + " (last id 6)");
      }
    }

    @Test
    void voidMemberAndVoidArrayElementAreInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("m"), 0, 0});
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 0, 0, 4});
      ValidationResult r = validate(b);
      assertError(r, "member 0 'm': Invalid type_id: a member cannot be void");
      assertError(r, "type [4] ARRAY '': Invalid elem: element type is void");
      assertError(r, "type [4] ARRAY '': Invalid index: index type is void");
    }
  }

  @Nested
  class Vlen {
    @Test
    void vlenPastTheTypeSectionIsAFormatException() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, 0, 1, 0});
      byte[] blob = le(b);
      putInt(blob, HDR + 32 + 4, info(BtfKind.STRUCT, 0xffffff));
      BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
      assertTrue(e.getMessage().contains("type [3] STRUCT at type offset 32: vlen 16777215 needs 201326592 bytes, only 24 left"),
          e.getMessage());
    }

    @Test
    void vlenBeyond16BitsIsInvalidBtfInfo() {
      BtfBuilder b = withInts();
      int[] rec = new int[3 + 2 * 0x10000];
      rec[0] = b.addString("e");
      rec[1] = info(BtfKind.ENUM, 0x10000);
      rec[2] = 4;
      String[] names = new String[0x10000];
      for (int i = 0; i < names.length; i++) {
        rec[3 + 2 * i] = b.addString("E" + i);
        rec[4 + 2 * i] = i;
      }
      b.addType(rec);
      assertError(validate(b), "type [3] ENUM 'e': Invalid btf_info:6010000 (bits outside kind, vlen and kind_flag: kind 6, vlen 65536)");
    }

    @Test
    void kindsWithoutElementsNeedVlenZero() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 1});
      byte[] blob = le(b);
      putInt(blob, HDR + 32 + 4, info(BtfKind.PTR, 0));
      // A PTR with vlen 1 still has no elements: the record stays 12 bytes.
      putInt(blob, HDR + 32 + 4, info(BtfKind.PTR, 1));
      assertError(validate(blob), "type [3] PTR '': vlen != 0: PTR has vlen 1");
    }

    @Test
    void funcLinkageAboveExtern() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 3), proto});
      assertError(validate(b), "type [4] FUNC 'f': Invalid func linkage: 3");
    }
  }

  @Nested
  class ResolveDepth {
    /** 40 structs, each holding the next by value: ids ascending along the chain or descending. */
    private ValidationResult nested(boolean referToLaterIds) {
      BtfBuilder b = withInts();
      int n = 40;
      int name = b.addString("s");
      int m = b.addString("m");
      for (int i = 0; i < n; i++) {
        int id = 3 + i;
        int inner = referToLaterIds ? (i == n - 1 ? 1 : id + 1) : (i == 0 ? 1 : id - 1);
        b.addType(new int[] {name, info(BtfKind.STRUCT, 1), 4, m, inner, 0});
      }
      return validate(b);
    }

    @Test
    void chainResolvedFromItsOuterEndExceedsTheKernelDepth() {
      ValidationResult r = nested(true);
      assertErrorCount(r, 0);
      assertProblem(r, Severity.WARNING, "type [3] STRUCT 's': Exceeded max resolving depth:32 (likely):"
          + " resolving it nests more than 32 unresolved types by value: [3] STRUCT 's' -> [4] STRUCT 's' -> ... -> [35] STRUCT 's'");
      assertEquals(1, r.warningCount(), r.toString());
    }

    @Test
    void chainResolvedFromItsInnerEndStaysShallow() {
      assertClean(nested(false));
    }

    /**
     * 32 structs [3]..[34], each holding the next, the last an INT [36] that a later struct [35]
     * holds too. The search from [3] reaches the INT 33 deep, before [35] is searched from: the
     * INT still counts there (a search that finished [35]'s INT ahead of its turn would miss it).
     */
    @Test
    void anEdgelessTypeNamedByALaterTypeStillCountsWhenAChainReachesItFirst() {
      BtfBuilder b = withInts();
      int name = b.addString("s");
      int m = b.addString("m");
      int intId = 36;
      for (int id = 3; id <= 34; id++) {
        b.addType(new int[] {name, info(BtfKind.STRUCT, 1), 4, m, id == 34 ? intId : id + 1, 0});
      }
      b.addType(new int[] {name, info(BtfKind.STRUCT, 1), 4, m, intId, 0}); // [35]
      assertEquals(intId, b.addType(new int[] {b.addString("u32"), info(BtfKind.INT, 0), 4, 32}));
      ValidationResult r = validate(b);
      assertErrorCount(r, 0);
      assertProblem(r, Severity.WARNING, "type [3] STRUCT 's': Exceeded max resolving depth:32 (likely):"
          + " resolving it nests more than 32 unresolved types by value: [3] STRUCT 's' -> [4] STRUCT 's' -> ... -> [36] INT 'u32'");
      assertEquals(1, r.warningCount(), r.toString());
    }
  }

  @Nested
  class LoadChecks {
    @Test
    void resolveErrorsDoNotFailTheLoadChecks() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      int func = b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 0), proto});
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("a"), func, 0});
      ValidationResult r = validate(b);
      assertEquals(1, r.errorCount(Stage.RESOLVE));
      assertTrue(r.passesLoadChecks());
      assertTrue(!r.isValid());
    }

    @Test
    void metaErrorsFailTheLoadChecks() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("bad name"), info(BtfKind.STRUCT, 0), 0});
      ValidationResult r = validate(b);
      assertEquals(1, r.errorCount(Stage.META));
      assertTrue(!r.passesLoadChecks());
    }

    @Test
    void externFuncLinkageIsRejected() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 2), proto});
      assertError(validate(b), "type [4] FUNC 'f': Invalid func linkage: 2 (the kernel takes 0 static and 1 global;"
          + " extern functions are libbpf's to strip before loading)");
    }
  }

  @Nested
  class Cycles {
    @Test
    void typedefLoopIsDetected() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("a"), info(BtfKind.TYPEDEF, 0), 4});
      b.addType(new int[] {b.addString("b"), info(BtfKind.TYPEDEF, 0), 3});
      ValidationResult r = validate(b);
      assertError(r, "type [3] TYPEDEF 'a': Loop detected: reference cycle of 2 types not broken by a pointer:"
          + " [3] TYPEDEF 'a' -> [4] TYPEDEF 'b' -> [3]");
      assertError(r, "Max chain length or cycle detected");
    }

    @Test
    void selfReferentialTypedefIsDetected() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("a"), info(BtfKind.TYPEDEF, 0), 3});
      assertError(validate(b), "Loop detected: reference cycle of 1 type not broken by a pointer: [3] TYPEDEF 'a' -> [3]");
    }

    @Test
    void structContainingItselfByValueIsDetected() {
      BtfBuilder b = withInts();
      // struct s { int x; struct t y; }; struct t { const struct s z; };
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 2), 8, b.addString("x"), 1, 0, b.addString("y"), 4, 32});
      b.addType(new int[] {b.addString("t"), info(BtfKind.STRUCT, 1), 8, b.addString("z"), 5, 0});
      b.addType(new int[] {0, info(BtfKind.CONST, 0), 3});
      ValidationResult r = validate(b);
      assertError(r, "Loop detected: reference cycle of 3 types not broken by a pointer: [3] STRUCT 's' -> [4] STRUCT 't' -> [5] CONST -> [3]");
      assertEquals(1, r.problems().stream().filter(p -> p.message().startsWith("Loop detected")).count(), r.toString());
    }

    @Test
    void arrayOfItselfIsDetected() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 4, 1, 2});
      b.addType(new int[] {b.addString("a2"), info(BtfKind.TYPEDEF, 0), 3});
      assertError(validate(b), "Loop detected: reference cycle of 2 types");
    }

    @Test
    void loopThroughAPointerIsLegal() {
      BtfBuilder b = withInts();
      // struct node { int v; struct node *next; }; typedef struct node node_t; and a list of node_t *
      int ptr = 4;
      b.addType(new int[] {b.addString("node"), info(BtfKind.STRUCT, 2), 16,
          b.addString("v"), 1, 0, b.addString("next"), ptr, 64});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 5});
      b.addType(new int[] {b.addString("node_t"), info(BtfKind.TYPEDEF, 0), 3});
      // int (*cb)(cb_t) style loop through a FUNC_PROTO and a PTR
      b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 1), 1, b.addString("arg"), 7});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 8});
      b.addType(new int[] {b.addString("cb_t"), info(BtfKind.TYPEDEF, 0), 6});
      assertClean(validate(b));
    }

    @Test
    void longChainDoesNotOverflowTheStack() {
      BtfBuilder b = withInts();
      int n = 100_000;
      int name = b.addString("t");
      // [3] -> [4] -> ... -> [n+2] -> [3]: one long loop of typedefs.
      for (int i = 0; i < n; i++) {
        int next = i == n - 1 ? 3 : 3 + i + 1;
        b.addType(new int[] {name, info(BtfKind.TYPEDEF, 0), next});
      }
      ValidationResult r = validate(b);
      assertError(r, "type [3] TYPEDEF 't': Max chain length or cycle detected");
      BtfProblem p = assertError(r, "Loop detected: reference cycle of 100000 types");
      assertErrorCount(r, 2);
      assertTrue(p.message().contains("... (99991 more)"), p.message());
    }
  }

  @Nested
  class Ints {
    private ValidationResult withInt(int size, int data) {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("x"), info(BtfKind.INT, 0), size, data});
      return validate(b);
    }

    @Test
    void unsupportedEncoding() {
      assertError(withInt(4, intData(3, 0, 32)), "type [3] INT 'x': Unsupported encoding 0x3");
    }

    @Test
    void moreThan128Bits() {
      assertError(withInt(16, intData(0, 8, 128)), "nr_bits exceeds 128: offset 8 + bits 128 = 136");
    }

    @Test
    void bitsBeyondTheSize() {
      assertError(withInt(4, intData(1, 0, 64)), "nr_bits exceeds type_size: offset 0 + bits 64 does not fit in 4 bytes");
    }

    @Test
    void bitsOutsideTheIntMask() {
      assertError(withInt(4, 0x1000_0020), "Invalid int_data:10000020");
    }

    @Test
    void oddSizeIsALintWarning() {
      ValidationResult r = withInt(3, intData(0, 0, 24));
      assertErrorCount(r, 0);
      assertProblem(r, Severity.WARNING, "INT size 3 is not 1, 2, 4, 8 or 16");
    }

    @Test
    void kindFlagIsInvalid() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("x"), infoKflag(BtfKind.INT, 0), 4, intData(0, 0, 32)});
      assertError(validate(b), "Invalid btf_info kind_flag: INT cannot set it");
    }

    @Test
    void floatSizes() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("double"), info(BtfKind.FLOAT, 0), 8});
      b.addType(new int[] {b.addString("weird"), info(BtfKind.FLOAT, 0), 6});
      ValidationResult r = validate(b);
      assertError(r, "type [4] FLOAT 'weird': Invalid type_size: 6");
      assertErrorCount(r, 1);
    }

    @Test
    void enumSizes() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("e3"), info(BtfKind.ENUM, 0), 3});
      b.addType(new int[] {b.addString("e16"), info(BtfKind.ENUM64, 0), 16});
      ValidationResult r = validate(b);
      assertError(r, "type [3] ENUM 'e3': Unexpected size 3");
      assertError(r, "type [4] ENUM64 'e16': Unexpected size 16");
    }
  }

  @Nested
  class Datasec {
    private BtfBuilder twoVars(int off0, int size0, int off1, int size1, int secSize) {
      BtfBuilder b = withInts();
      int a = b.addType(new int[] {b.addString("a"), info(BtfKind.VAR, 0), 1, 1});
      int c = b.addType(new int[] {b.addString("c"), info(BtfKind.VAR, 0), 1, 1});
      b.addType(new int[] {b.addString(".data"), info(BtfKind.DATASEC, 2), secSize, a, off0, size0, c, off1, size1});
      return b;
    }

    @Test
    void sortedDisjointVariablesAreClean() {
      assertClean(validate(twoVars(0, 4, 8, 4, 12)));
    }

    @Test
    void overlappingVariables() {
      ValidationResult r = validate(twoVars(0, 8, 4, 4, 12));
      assertError(r, "type [5] DATASEC '.data' var 1 'c': Invalid offset: variable at 4 overlaps the previous one, which ends at 8");
    }

    @Test
    void unsortedVariables() {
      assertError(validate(twoVars(8, 4, 0, 4, 12)), "var 1 'c': Invalid offset: variable at 0 overlaps the previous one");
    }

    @Test
    void variablePastTheSection() {
      ValidationResult r = validate(twoVars(0, 4, 8, 8, 12));
      assertError(r, "var 1 'c': Invalid offset+size: variable [8, 16) runs past the 12-byte section");
    }

    @Test
    void variableSmallerThanItsType() {
      assertError(validate(twoVars(0, 2, 4, 4, 12)), "var 0 'a': Invalid size: 2 bytes for a variable of type [1] INT 'int' (4 bytes)");
    }

    @Test
    void membersMustBeVars() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString(".data"), info(BtfKind.DATASEC, 1), 4, 1, 0, 4});
      assertError(validate(b), "type [3] DATASEC '.data' var 0 'int': Not a VAR kind member: [1] INT 'int'");
    }

    @Test
    void zeroSizeSection() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString(".bss"), info(BtfKind.DATASEC, 0), 0});
      assertError(validate(b), "type [3] DATASEC '.bss': size == 0");
    }

    @Test
    void externVarLinkageIsNotSupported() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("x"), info(BtfKind.VAR, 0), 1, 2});
      assertError(validate(b), "type [3] VAR 'x': Linkage not supported: 2");
    }
  }

  @Nested
  class References {
    @Test
    void memberCannotBeAFuncOrAFwdOrAVar() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      int func = b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 0), proto});
      int fwd = b.addType(new int[] {b.addString("later"), infoKflag(BtfKind.FWD, 0), 0});
      int var = b.addType(new int[] {b.addString("v"), info(BtfKind.VAR, 0), 1, 0});
      int td = b.addType(new int[] {b.addString("later_t"), info(BtfKind.TYPEDEF, 0), fwd});
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 5), 40,
          b.addString("a"), func, 0, b.addString("b"), fwd, 0, b.addString("c"), var, 0,
          b.addString("d"), proto, 0, b.addString("e"), td, 0});
      ValidationResult r = validate(b);
      assertError(r, "member 0 'a': Invalid member: [4] FUNC 'f' has no size");
      assertError(r, "member 1 'b': Invalid member: [5] FWD 'later' has no size");
      assertError(r, "member 2 'c': Invalid member: [6] VAR 'v' cannot be a member");
      assertError(r, "member 3 'd': Invalid member: [3] FUNC_PROTO has no size");
      assertError(r, "member 4 'e': Invalid member: [7] TYPEDEF 'later_t' resolves to [5] FWD 'later', which has no size");
      assertErrorCount(r, 5);
    }

    @Test
    void modifierCannotNameAFuncButPointerMayNameAProto() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      int func = b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 0), proto});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), proto});
      b.addType(new int[] {0, info(BtfKind.CONST, 0), func});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), func});
      b.addType(new int[] {b.addString("fn_t"), info(BtfKind.TYPEDEF, 0), proto});
      ValidationResult r = validate(b);
      assertError(r, "type [6] CONST '': Invalid type_id: refers to [4] FUNC 'f'");
      assertError(r, "type [7] PTR '': Invalid type_id: refers to [4] FUNC 'f'");
      assertErrorCount(r, 2);
    }

    @Test
    void funcMustNameAProtoWithNamedParams() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 2), 1, 0, 1, 0, 0});
      b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 1), proto});
      b.addType(new int[] {b.addString("g"), info(BtfKind.FUNC, 1), 1});
      ValidationResult r = validate(b);
      assertError(r, "type [4] FUNC 'f': Invalid arg#1: parameter 0 of [3] FUNC_PROTO has no name");
      assertError(r, "type [5] FUNC 'g': Invalid type_id: [1] INT 'int' is not a FUNC_PROTO");
      assertErrorCount(r, 2);
    }

    @Test
    void varargsOnlyLastAndUnnamed() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 3), 1, b.addString("a"), 1, 0, 0, b.addString("z"), 0});
      ValidationResult r = validate(b);
      assertError(r, "type [3] FUNC_PROTO '' param 2 'z': Invalid arg#3: a vararg (void) parameter cannot have a name");
      assertError(r, "param 1: Invalid arg#2: void parameter before the last");
    }

    @Test
    void paramNamesAreCheckedWithTheTypesNotAtLoad() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 2), 1, b.addString("a b"), 1, 99999, 1});
      ValidationResult r = validate(b);
      assertEquals(Stage.RESOLVE, assertError(r, "param 0 'a b': Invalid arg#1: 'a b' is not a valid identifier").stage());
      assertError(r, "param 1: Invalid arg#2: name_off 99999 out of range");
      assertTrue(r.passesLoadChecks());
    }

    @Test
    void idsAboveTheKernelMaximumFailAtLoad() {
      BtfBuilder b = withInts();
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 0x100000});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), 0xfffff});
      ValidationResult r = validate(b);
      BtfProblem p = assertError(r, "type [3] PTR '': Invalid type_id: 1048576 exceeds BTF_MAX_TYPE 1048575 (last id 4)");
      assertEquals(Stage.META, p.stage());
      assertError(r, "type [4] PTR '': invalid type id 1048575 (last id 4)");
      assertErrorCount(r, 2);
      assertTrue(!r.passesLoadChecks());
    }

    @Test
    void declTagComponentIndexWithinTheTarget() {
      BtfBuilder b = withInts();
      int s = b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("m"), 1, 0});
      int td = b.addType(new int[] {b.addString("s_t"), info(BtfKind.TYPEDEF, 0), s});
      int tag = b.addString("user");
      b.addType(new int[] {tag, info(BtfKind.DECL_TAG, 0), s, 0});
      b.addType(new int[] {tag, info(BtfKind.DECL_TAG, 0), s, 1});
      b.addType(new int[] {tag, info(BtfKind.DECL_TAG, 0), td, 0});
      b.addType(new int[] {tag, info(BtfKind.DECL_TAG, 0), 1, -1});
      b.addType(new int[] {tag, info(BtfKind.DECL_TAG, 0), s, -2});
      ValidationResult r = validate(b);
      assertError(r, "type [6] DECL_TAG 'user': Invalid component_idx: 1 but [3] STRUCT 's' has 1");
      assertError(r, "type [7] DECL_TAG 'user': Invalid component_idx: 0 on [4] TYPEDEF 's_t', which has no components");
      assertError(r, "type [8] DECL_TAG 'user': Invalid type_id: [1] INT 'int' cannot be tagged");
      assertError(r, "type [9] DECL_TAG 'user': Invalid component_idx: -2");
      assertErrorCount(r, 4);
    }

    @Test
    void typeTagsMustPrecedeModifiers() {
      BtfBuilder b = withInts();
      int tag = b.addType(new int[] {b.addString("user"), info(BtfKind.TYPE_TAG, 0), 1});
      int cnst = b.addType(new int[] {0, info(BtfKind.CONST, 0), tag});
      b.addType(new int[] {0, info(BtfKind.PTR, 0), cnst});
      b.addType(new int[] {b.addString("percpu"), info(BtfKind.TYPE_TAG, 0), cnst});
      ValidationResult r = validate(b);
      BtfProblem p = assertError(r, "type [4] CONST '': Type tags don't precede modifiers");
      assertEquals(Stage.TYPE_TAGS, p.stage());
      assertErrorCount(r, 1);
    }

    @Test
    void splitReferencesAreCheckedAgainstTheBase() throws BtfFormatException {
      BtfBuilder bb = withInts();
      int proto = bb.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      bb.addType(new int[] {bb.addString("f"), info(BtfKind.FUNC, 0), proto});
      Btf base = BtfParser.parse(le(bb));
      BtfBuilder sb = new BtfBuilder(base);
      sb.addType(new int[] {sb.addString("s"), info(BtfKind.STRUCT, 2), 8,
          sb.addString("i"), 1, 0, sb.addString("f"), 4, 32});
      sb.addType(new int[] {0, info(BtfKind.PTR, 0), 7});
      ValidationResult r = BtfValidator.validate(BtfParser.parse(le(sb), base));
      assertError(r, "type [5] STRUCT 's' member 1 'f': Invalid member: [4] FUNC 'f' has no size");
      assertError(r, "type [6] PTR '': invalid type id 7 (last id 6)");
      assertErrorCount(r, 2);
    }
  }

  @Nested
  class Members {
    @Test
    void memberPastTheStructSize() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 2), 6,
          b.addString("a"), 1, 0, b.addString("b"), 1, 32});
      assertError(validate(b), "member 1 'b': Member exceeds struct_size: 4 bytes at byte 4 in a 6-byte STRUCT");
    }

    @Test
    void memberOffsetsGoingBackwards() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 2), 8,
          b.addString("a"), 1, 32, b.addString("b"), 1, 0});
      assertError(validate(b), "member 1 'b': Invalid member bits_offset: bit 0 is before the previous member's bit 32");
    }

    @Test
    void unionMembersStartAtZero() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("u"), info(BtfKind.UNION, 2), 4,
          b.addString("a"), 1, 0, b.addString("b"), 2, 8});
      assertError(validate(b), "type [3] UNION 'u' member 1 'b': Invalid member bits_offset: union member at bit 8, must be 0");
    }

    @Test
    void bitfieldsInAKindFlagStruct() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("s"), infoKflag(BtfKind.STRUCT, 4), 4,
          b.addString("a"), 1, 3 << 24, b.addString("b"), 1, 29 << 24 | 3,
          b.addString("c"), 1, 33 << 24 | 3, b.addString("d"), 2, 5});
      ValidationResult r = validate(b);
      assertError(r, "member 2 'c': Invalid member bitfield_size: 33 bits in a 32-bit int");
      assertError(r, "member 3 'd': Invalid member offset: bit 5 is not byte aligned");
      assertErrorCount(r, 2);
    }

    @Test
    void bitfieldOnAStructMember() {
      BtfBuilder b = withInts();
      int inner = b.addType(new int[] {b.addString("in"), info(BtfKind.STRUCT, 1), 4, b.addString("x"), 1, 0});
      b.addType(new int[] {b.addString("s"), infoKflag(BtfKind.STRUCT, 1), 4, b.addString("i"), inner, 4 << 24});
      assertError(validate(b), "member 0 'i': Invalid member bitfield_size: 4 bits on a [3] STRUCT 'in'");
    }

    @Test
    void pointerSizeComesFromTheLongInt() {
      // struct { int a; char *p; } of 8 bytes: right for a 32-bit target, too small for 64-bit.
      BtfBuilder b32 = withInts();
      b32.addType(new int[] {b32.addString("long int"), info(BtfKind.INT, 0), 4, intData(Blobs.SIGNED, 0, 32)});
      int p32 = b32.addType(new int[] {0, info(BtfKind.PTR, 0), 2});
      b32.addType(new int[] {b32.addString("s"), info(BtfKind.STRUCT, 2), 8,
          b32.addString("a"), 1, 0, b32.addString("p"), p32, 32});
      assertClean(validate(b32));
      BtfBuilder b64 = withInts();
      int p64 = b64.addType(new int[] {0, info(BtfKind.PTR, 0), 2});
      b64.addType(new int[] {b64.addString("s"), info(BtfKind.STRUCT, 2), 8,
          b64.addString("a"), 1, 0, b64.addString("p"), p64, 32});
      assertError(validate(b64), "member 1 'p': Member exceeds struct_size: 8 bytes at byte 4 in a 8-byte STRUCT");
    }

    @Test
    void misalignedPointerMember() {
      BtfBuilder b = withInts();
      int p = b.addType(new int[] {0, info(BtfKind.PTR, 0), 1});
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 16, b.addString("p"), p, 4});
      assertError(validate(b), "member 0 'p': Member is not byte aligned: bit 4");
    }

    @Test
    void arrayIndexMustBeARegularInt() {
      BtfBuilder b = withInts();
      int bf = b.addType(new int[] {b.addString("bf"), info(BtfKind.INT, 0), 4, intData(0, 0, 3)});
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 1, bf, 4});
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, bf, 1, 4});
      b.addType(new int[] {0, info(BtfKind.ARRAY, 0), 0, 1, 1, 0x7fffffff});
      ValidationResult r = validate(b);
      assertError(r, "type [4] ARRAY '': Invalid index: [3] INT 'bf' is not a regular INT");
      assertError(r, "type [5] ARRAY '': Invalid array of int: [3] INT 'bf' is a bitfield int");
      assertError(r, "type [6] ARRAY '': Array size overflows U32_MAX: 2147483647 x 4 bytes");
      assertErrorCount(r, 3);
    }
  }

  @Nested
  class Reporting {
    @Test
    void problemsAreCappedAndCounted() {
      BtfBuilder b = withInts();
      for (int i = 0; i < 500; i++) {
        b.addType(new int[] {0, info(BtfKind.PTR, 0), 100_000 + i});
      }
      ValidationResult r = validate(b);
      assertEquals(BtfValidator.DEFAULT_MAX_PROBLEMS, r.problems().size());
      assertEquals(500, r.errorCount());
      assertEquals(400, r.omitted());
      assertTrue(r.toString().endsWith("... and 400 more (500 errors, 0 warnings in all)\n"), r.toString());
      assertTrue(r.toString().startsWith("ERROR type [3] PTR '': invalid type id 100000 (last id 502) at offset 0x40\n"),
          r.toString());
      assertEquals(5, BtfValidator.validate(r.problems().isEmpty() ? null : parse(le(b)), 5).problems().size());
    }

    private Btf parse(byte[] blob) {
      try {
        return BtfParser.parse(blob);
      } catch (BtfFormatException e) {
        throw new AssertionError(e);
      }
    }

    @Test
    void blobProblemsNameTheStage() {
      byte[] blob = le(withInts());
      blob[blob.length - 1] = 'x';
      BtfProblem p = validate(blob).problems().get(0);
      assertEquals(-1, p.typeId());
      assertEquals(Stage.STRINGS, p.stage());
      assertTrue(p.toString().startsWith("strings: Invalid string section"), p.toString());
    }
  }

  /**
   * The meta and resolve checks share one pass over the records, with fast paths for the common
   * kinds: the report must still list META before TYPE_TAGS before RESOLVE, the cap must keep the
   * first problems in that order, and whatever a fast path cannot prove clean gets the full checks.
   */
  @Nested
  class OnePass {
    private ValidationResult capped(BtfBuilder b, int max) {
      try {
        return BtfValidator.validate(BtfParser.parse(le(b)), max);
      } catch (BtfFormatException e) {
        throw new AssertionError(e);
      }
    }

    /** [3] FUNC_PROTO, [4] FUNC 'f', [5] CONST -> FUNC (RESOLVE), [6] TYPEDEF 'a b' (META), [7-8] tag loop. */
    private BtfBuilder blob() {
      BtfBuilder b = withInts();
      int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 0), 1});
      int func = b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 1), proto});
      b.addType(new int[] {0, info(BtfKind.CONST, 0), func});
      b.addType(new int[] {b.addString("a b"), info(BtfKind.TYPEDEF, 0), 1});
      b.addType(new int[] {b.addString("t"), info(BtfKind.TYPE_TAG, 0), 8});
      b.addType(new int[] {b.addString("u"), info(BtfKind.TYPE_TAG, 0), 7});
      return b;
    }

    @Test
    void laterMetaProblemsComeBeforeEarlierResolveOnes() {
      ValidationResult r = capped(blob(), 100);
      String[] stages = r.problems().stream().map(p -> p.stage().name()).distinct().toArray(String[]::new);
      assertEquals("[META, TYPE_TAGS, RESOLVE]", Arrays.toString(stages), r.toString());
      assertEquals(6, r.problems().get(0).typeId(), r.toString());
      assertError(r, "type [5] CONST '': Invalid type_id: refers to [4] FUNC 'f'");
    }

    @Test
    void theCapKeepsTheFirstProblemsInStageOrder() {
      ValidationResult all = capped(blob(), 100);
      for (int max = 0; max <= all.problems().size(); max++) {
        ValidationResult r = capped(blob(), max);
        assertEquals(all.problems().subList(0, max).toString(), r.problems().toString(), "max " + max);
        assertEquals(all.errorCount(), r.errorCount());
        assertEquals(all.warningCount(), r.warningCount());
      }
    }

    @Test
    void aFuncBeforeItsPrototypeIsCheckedInFull() {
      BtfBuilder b = withInts();
      b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 1), 4});
      b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 1), 1, 0, 1});
      ValidationResult r = validate(b);
      assertError(r, "type [3] FUNC 'f': Invalid arg#1: parameter 0 of [4] FUNC_PROTO has no name");
      assertErrorCount(r, 1);
    }

    @Test
    void idsThatWrapWhenRebasedAreRangeErrorsNotExceptions() {
      for (int bad : new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, -1}) {
        BtfBuilder b = withInts();
        int proto = b.addType(new int[] {0, info(BtfKind.FUNC_PROTO, 1), bad, b.addString("a"), bad});
        b.addType(new int[] {b.addString("f"), info(BtfKind.FUNC, 1), bad});
        b.addType(new int[] {b.addString("g"), info(BtfKind.FUNC, 1), proto});
        b.addType(new int[] {0, info(BtfKind.CONST, 0), bad});
        b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("m"), bad, 0});
        ValidationResult r = validate(b);
        String u = Integer.toUnsignedString(bad);
        assertError(r, "type [4] FUNC 'f': invalid type id " + u);
        assertError(r, "type [6] CONST '': Invalid type_id: " + u + " exceeds BTF_MAX_TYPE");
        assertError(r, "type [7] STRUCT 's' member 0 'm': Invalid type_id: " + u + " exceeds BTF_MAX_TYPE");
        assertError(r, "type [3] FUNC_PROTO '': invalid type id " + u);
      }
    }

    @Test
    void membersThatFailOnlyThePlacementChecksAreReported() {
      BtfBuilder b = withInts();
      // a 4-byte struct whose int member starts at byte 2: fits the meta checks, not the resolve ones
      b.addType(new int[] {b.addString("s"), info(BtfKind.STRUCT, 1), 4, b.addString("m"), 1, 16});
      ValidationResult r = validate(b);
      assertError(r, "Member exceeds struct_size");
      assertErrorCount(r, 1);
    }
  }
}
