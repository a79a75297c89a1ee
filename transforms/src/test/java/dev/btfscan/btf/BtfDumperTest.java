package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.btfscan.testing.RealBtf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dump of built blobs covering every kind and kind_flag form, against bpftool 7.1. */
class BtfDumperTest {
  private static byte[] allKinds;
  private static Btf allKindsBtf;
  private static byte[] split;
  private static Btf splitBtf;

  @TempDir Path tmp;

  @BeforeAll
  static void build() throws BtfFormatException {
    allKinds = KindBlobs.allKinds(ByteOrder.LITTLE_ENDIAN);
    allKindsBtf = BtfParser.parse(allKinds);
    split = KindBlobs.splitOnAllKinds(allKindsBtf, ByteOrder.LITTLE_ENDIAN);
    splitBtf = BtfParser.parse(split, allKindsBtf);
  }

  @Test
  void theAllKindsBlobHoldsEveryKindThisCodeKnows() {
    Set<BtfKind> seen = EnumSet.noneOf(BtfKind.class);
    for (int id = allKindsBtf.startId(); id < allKindsBtf.endId(); id++) {
      seen.add(allKindsBtf.kind(id));
    }
    assertEquals(EnumSet.allOf(BtfKind.class), seen);
  }

  @Test
  void everyKindAndKindFlagFormDumpsAsTheCommittedBpftoolText() {
    assertEquals(RealBtf.resourceText("/btf/all-kinds.bpftool.txt"), BtfDumper.dump(allKindsBtf));
  }

  @Test
  void everyKindAndKindFlagFormDumpsAsLiveBpftoolPrintsTheSameBytes() throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    String bpftool = Bpftool.dump(tmp, allKinds, null);
    assertEquals(bpftool, BtfDumper.dump(allKindsBtf));
    assertEquals(bpftool, RealBtf.resourceText("/btf/all-kinds.bpftool.txt"), "stale resource");
  }

  @Test
  void aBigEndianBlobDumpsExactlyLikeItsLittleEndianTwin() throws Exception {
    Btf be = BtfParser.parse(KindBlobs.allKinds(ByteOrder.BIG_ENDIAN));
    assertEquals(ByteOrder.BIG_ENDIAN, be.order());
    assertEquals(BtfDumper.dump(allKindsBtf), BtfDumper.dump(be));
  }

  @Test
  void aBigEndianBlobDumpsAsLiveBpftoolPrintsIt() throws Exception {
    assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
    byte[] be = KindBlobs.allKinds(ByteOrder.BIG_ENDIAN);
    assertEquals(Bpftool.dump(tmp, be, null), BtfDumper.dump(BtfParser.parse(be)));
  }

  @Nested
  class SplitBtf {
    @Test
    void dumpsOnlyItsOwnTypesWithBaseNamesResolved() {
      String dump = BtfDumper.dump(splitBtf);
      assertEquals(RealBtf.resourceText("/btf/split-on-all-kinds.bpftool.txt"), dump);
      assertTrue(dump.startsWith("[" + allKindsBtf.endId() + "] STRUCT 'own_struct'"), dump);
    }

    @Test
    void dumpsAsLiveBpftoolPrintsItWithTheBaseGivenByDashB() throws Exception {
      assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
      assertEquals(Bpftool.dump(tmp, split, allKinds), BtfDumper.dump(splitBtf));
    }

    @Test
    void bigEndianSplitOnBigEndianBaseDumpsAsLiveBpftoolPrintsIt() throws Exception {
      assumeTrue(Bpftool.available(), "no " + Bpftool.PATH);
      byte[] baseBe = KindBlobs.allKinds(ByteOrder.BIG_ENDIAN);
      Btf base = BtfParser.parse(baseBe);
      byte[] splitBe = KindBlobs.splitOnAllKinds(base, ByteOrder.BIG_ENDIAN);
      assertEquals(Bpftool.dump(tmp, splitBe, baseBe), BtfDumper.dump(BtfParser.parse(splitBe, base)));
    }

    @Test
    void emptyNameAtNonZeroOffsetPrintsQuotesAndOutOfRangeNamePrintsInvalid() {
      String dump = BtfDumper.dump(splitBtf);
      assertTrue(dump.contains("] TYPEDEF '' type_id="), dump);
      assertTrue(dump.contains("] CONST '(invalid)' type_id="), dump);
    }

    @Test
    void dataSectionLinesNameBaseAndOwnVariablesButNotMissingIds() {
      String dump = BtfDumper.dump(splitBtf);
      assertTrue(dump.contains("\ttype_id=27 offset=0 size=4 (VAR 'v_global')\n"), dump);
      assertTrue(dump.contains("\ttype_id=100000 offset=0 size=4\n"), dump);
    }

    @Test
    void dumpTypeReachesIntoTheBase() {
      assertEquals("[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n",
          BtfDumper.dumpType(splitBtf, 1));
    }
  }

  @Test
  void theAppendableFormWritesTheSameTextAsTheStringForm() {
    StringBuilder sb = new StringBuilder();
    BtfDumper.dump(allKindsBtf, sb);
    assertEquals(BtfDumper.dump(allKindsBtf), sb.toString());
  }

  @Test
  void aFailingAppendableSurfacesAsUncheckedIoException() {
    Writer broken = new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> BtfDumper.dump(allKindsBtf, broken));
    assertEquals("disk full", e.getCause().getMessage());
  }

  @Test
  void vlenIsReadFromTwentyFourBitsSoA65536MemberStructKeepsAllItsMembers() throws Exception {
    BtfBuilder b = new BtfBuilder(null);
    int intT = b.addType(new int[] {b.addString("int"), KindBlobs.info(BtfKind.INT, 0, false), 4, 1 << 24 | 32});
    int vlen = 0x10000;
    int[] record = new int[3 + 3 * vlen];
    record[0] = b.addString("huge");
    record[1] = KindBlobs.info(BtfKind.STRUCT, vlen, false);
    record[2] = 4 * vlen;
    for (int i = 0; i < vlen; i++) {
      record[3 + 3 * i] = 0;
      record[4 + 3 * i] = intT;
      record[5 + 3 * i] = 32 * i;
    }
    b.addType(record);
    b.addType(new int[] {b.addString("after"), KindBlobs.info(BtfKind.PTR, 0, false), intT});
    String dump = BtfDumper.dump(BtfParser.parse(b.build(ByteOrder.LITTLE_ENDIAN)));
    String[] lines = dump.split("\n");
    assertEquals("[2] STRUCT 'huge' size=262144 vlen=65536", lines[1]);
    assertEquals("\t'(anon)' type_id=1 bits_offset=2097120", lines[1 + vlen]);
    assertEquals("[3] PTR 'after' type_id=1", lines[2 + vlen]);
    assertEquals(3 + vlen, lines.length);
  }
}
