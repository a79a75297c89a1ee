package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.btfscan.testing.RealBtf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged bytes give a {@link BtfFormatException} from the parser or a result from the validator,
 * never another exception or a hang: random byte, word and header mutations of valid blobs under
 * fixed seeds.
 */
class BtfValidatorFuzzTest {
  /** Raise with -Dbtfscan.fuzz.iterations=N for a longer run. */
  private static final int ITERATIONS = Integer.getInteger("btfscan.fuzz.iterations", 3000);
  private static final int[] INTERESTING = {
    0, 1, 2, 3, 4, 7, 8, 12, 16, 24, 31, 32, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff,
    0x1000000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff
  };

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void mutatedStandaloneBlobNeverThrowsAnythingElse(long seed) {
    fuzz(EveryKind.blob(), null, seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12})
  void mutatedBigEndianBlobNeverThrowsAnythingElse(long seed) {
    fuzz(EveryKind.builder().build(ByteOrder.BIG_ENDIAN), null, seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22})
  void mutatedLayoutHeaderBlobNeverThrowsAnythingElse(long seed) {
    fuzz(withLayoutSection(EveryKind.blob()), null, seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {31, 32})
  void mutatedRealModuleSplitOnVmlinuxNeverThrowsAnythingElse(long seed) {
    byte[] module = RealBtf.moduleBtf(RealBtf.modules(RealBtf.R53).get(0));
    fuzz(module, RealBtf.vmlinux(RealBtf.R53), seed);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"elf/tags.btf", "elf/elf32.btf", "elf/be64.btf"})
  void mutatedRealStandaloneBlobNeverThrowsAnythingElse(String file) {
    fuzz(dev.btfscan.fixtures.Fixtures.bytes(file), null, file.hashCode());
  }

  @Test
  void layoutHeaderBlobIsClean() {
    Blobs.assertClean(Blobs.validate(withLayoutSection(EveryKind.blob())));
  }

  @Test
  void unknownKindSizedByTheLayoutIsAWarningNotACrash() throws BtfFormatException {
    byte[] blob = withLayoutSection(EveryKind.blob());
    // Declare kind 20 with 4 bytes of info and 8 per element, then turn the FLOAT [19] into a
    // kind-20 record with vlen 0 and 4 info bytes: re-point it by rewriting a 16-byte INT record.
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    int layoutStart = 32;
    b.put(layoutStart + 4 * 20, (byte) 4).put(layoutStart + 4 * 20 + 1, (byte) 8);
    int types = 32 + b.getInt(8);
    b.putInt(types + 4, 20 << 24); // [1] INT 'int' becomes kind 20, still 16 bytes
    ValidationResult r = BtfValidator.validate(BtfParser.parse(blob));
    Blobs.assertProblem(r, BtfProblem.Severity.WARNING, "type [1] KIND_20 'int': kind 20 is unknown here");
  }

  @Test
  void layoutEntryDisagreeingWithAKnownKindIsAnError() throws BtfFormatException {
    byte[] blob = withLayoutSection(EveryKind.blob());
    int structEntry = 32 + KindLayout.ENTRY_SIZE * BtfKind.STRUCT.code();
    blob[structEntry + 1] = 16;
    ValidationResult r = BtfValidator.validate(BtfParser.parse(blob));
    BtfProblem p = Blobs.assertError(r, "header: kind-layout entry for STRUCT gives info_sz 0, elem_sz 16;"
        + " STRUCT records have 0 and 12");
    assertEquals(structEntry, p.offset());
    Blobs.assertErrorCount(r, 1);
  }

  /** The blob with a 32-byte header whose kind-layout section (kinds 0..20) precedes the types. */
  static byte[] withLayoutSection(byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    int typeLen = in.getInt(12);
    int strLen = in.getInt(20);
    int kinds = 21;
    int layoutLen = kinds * KindLayout.ENTRY_SIZE;
    ByteBuffer out = ByteBuffer.allocate(32 + layoutLen + typeLen + strLen).order(ByteOrder.LITTLE_ENDIAN);
    out.putShort((short) BtfHeader.MAGIC).put((byte) 1).put((byte) 0).putInt(32);
    out.putInt(layoutLen).putInt(typeLen).putInt(layoutLen + typeLen).putInt(strLen);
    out.putInt(0).putInt(layoutLen);
    for (int k = 0; k < kinds; k++) {
      BtfKind kind = BtfKind.of(k);
      out.put((byte) (kind == null ? 0 : kind.infoSize())).put((byte) (kind == null ? 0 : kind.memberSize()));
      out.putShort((short) 0);
    }
    out.put(blob, 24, typeLen + strLen);
    return out.array();
  }

  private static void fuzz(byte[] original, Btf base, long seed) {
    Random rnd = new Random(seed);
    int parsed = 0;
    long start = System.nanoTime();
    for (int it = 0; it < ITERATIONS; it++) {
      byte[] blob = mutate(original, rnd);
      Btf btf;
      try {
        btf = BtfParser.parse(blob, base);
      } catch (BtfFormatException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        continue;
      } catch (RuntimeException | Error e) {
        throw failure("parse", seed, it, blob, e);
      }
      parsed++;
      try {
        ValidationResult r = BtfValidator.validate(btf);
        assertTrue(r.problems().size() <= BtfValidator.DEFAULT_MAX_PROBLEMS);
        assertEquals(r.errorCount() + r.warningCount() - r.problems().size(), r.omitted());
        for (BtfProblem p : r.problems()) {
          assertTrue(p.toString().length() > 10);
        }
      } catch (RuntimeException | Error e) {
        throw failure("validate", seed, it, blob, e);
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(parsed > ITERATIONS / 10, "only " + parsed + " of " + ITERATIONS + " mutants parsed");
    assertTrue(ms < 60_000, "fuzzing took " + ms + " ms");
  }

  private static AssertionError failure(String what, long seed, int it, byte[] blob, Throwable e) {
    String hex = HexFormat.of().formatHex(blob, 0, Math.min(blob.length, 256));
    return new AssertionError(what + " threw " + e + " (seed " + seed + ", iteration " + it
        + ", first bytes " + hex + ")", e);
  }

  private static byte[] mutate(byte[] original, Random rnd) {
    byte[] b = original.clone();
    ByteBuffer bb = ByteBuffer.wrap(b).order(rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int n = 1 + rnd.nextInt(4);
    for (int m = 0; m < n; m++) {
      switch (rnd.nextInt(6)) {
        case 0: // random byte
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
          break;
        case 1: // bit flip
          int p = rnd.nextInt(b.length);
          b[p] ^= (byte) (1 << rnd.nextInt(8));
          break;
        case 2: // aligned word set to an interesting value
        case 3: {
          int w = rnd.nextInt(b.length / 4) * 4;
          bb.order(ByteOrder.LITTLE_ENDIAN).putInt(w, rnd.nextBoolean()
              ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt());
          break;
        }
        case 4: { // header field
          int f = 4 + 4 * rnd.nextInt(5);
          bb.order(ByteOrder.LITTLE_ENDIAN).putInt(f, bb.getInt(f) + rnd.nextInt(33) - 16);
          break;
        }
        default: // truncate or extend
          if (rnd.nextBoolean()) {
            return Arrays.copyOf(b, rnd.nextInt(b.length + 1));
          }
          return Arrays.copyOf(b, b.length + rnd.nextInt(16));
      }
    }
    return b;
  }
}
