package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.testing.RealBtf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each header form: classic 24 bytes, 32 bytes with a kind-layout section, and longer tails. */
class BtfHeaderFormTest {
  /** Kind codes beyond ENUM64: the next one, and one that needs the widened bits 29-30. */
  private static final int NEXT_KIND = 20;
  private static final int WIDE_KIND = 96;

  /**
   * int; a kind-20 record with vlen 2 (4 bytes of kind data, 8 per element); a PTR to it; a
   * kind-96 record with vlen 1; a struct after them, which dumps right only if both were sized.
   */
  private static byte[] classicWithUnknownKinds(ByteOrder order) {
    BtfBuilder b = new BtfBuilder(null);
    int intT = b.addType(new int[] {b.addString("int"), KindBlobs.info(BtfKind.INT, 0, false), 4, 1 << 24 | 32});
    int future = b.addType(new int[] {b.addString("future"), NEXT_KIND << 24 | 2, 0, 7, 1, 2, 3, 4});
    b.addType(new int[] {0, KindBlobs.info(BtfKind.PTR, 0, false), future});
    b.addType(new int[] {0, 0x80000000 | WIDE_KIND << 24 | 1, 0, 9, 10, 11});
    b.addType(new int[] {b.addString("after"), KindBlobs.info(BtfKind.STRUCT, 1, false), 4, b.addString("x"), intT, 0});
    return b.build(order);
  }

  private static byte[] layoutBlob(ByteOrder order) {
    return KindBlobs.withLayout(classicWithUnknownKinds(order), WIDE_KIND + 1, 4, 8, order);
  }

  @ParameterizedTest
  @EnumSource(ByteOrderName.class)
  void thirtyTwoByteHeaderWithKindLayoutSizesUnknownKindsAndDumpsThemAsUnknown(ByteOrderName name)
      throws Exception {
    Btf btf = BtfParser.parse(layoutBlob(name.order));
    assertEquals(BtfHeader.LAYOUT_SIZE, btf.header().hdrLen());
    assertNotNull(btf.layout());
    assertEquals(WIDE_KIND + 1, btf.layout().kinds());
    assertEquals(5, btf.typeCount());
    assertEquals(NEXT_KIND, btf.kindCode(2));
    assertEquals(WIDE_KIND, btf.kindCode(4));
    assertEquals(RealBtf.resourceText("/btf/layout-unknown-kind.txt"), BtfDumper.dump(btf));
  }

  @Test
  void thirtyTwoByteHeaderBlobRoundTripsThroughBothByteOrders() throws Exception {
    byte[] input = layoutBlob(ByteOrder.LITTLE_ENDIAN);
    Btf btf = BtfParser.parse(input);
    assertArrayEquals(input, BtfWriter.write(btf));
    byte[] big = BtfWriter.write(btf, ByteOrder.BIG_ENDIAN);
    assertArrayEquals(layoutBlob(ByteOrder.BIG_ENDIAN), big);
    Btf swapped = BtfParser.parse(big);
    assertArrayEquals(input, BtfWriter.write(swapped, ByteOrder.LITTLE_ENDIAN));
    assertEquals(BtfDumper.dump(btf), BtfDumper.dump(swapped));
  }

  @Test
  void unknownKindWithoutKindLayoutIsRejectedNamingTheTypeAndKind() {
    BtfFormatException e = assertThrows(BtfFormatException.class,
        () -> BtfParser.parse(classicWithUnknownKinds(ByteOrder.LITTLE_ENDIAN)));
    assertTrue(e.getMessage().contains("type [2]"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown kind 20"), e.getMessage());
  }

  @Test
  void twentyFourByteHeaderWithAZeroTailIsAcceptedAndDumpsAsWithout() throws Exception {
    byte[] classic = KindBlobs.allKinds(ByteOrder.LITTLE_ENDIAN);
    Btf btf = BtfParser.parse(withHeaderTail(classic, BtfHeader.BASE_SIZE, 4, -1));
    assertEquals(28, btf.header().hdrLen());
    assertEquals(BtfDumper.dump(BtfParser.parse(classic)), BtfDumper.dump(btf));
  }

  @Test
  void nonZeroHeaderTailAfterTheClassicFieldsIsRejectedNamingItsOffset() {
    byte[] blob = withHeaderTail(KindBlobs.allKinds(ByteOrder.LITTLE_ENDIAN), BtfHeader.BASE_SIZE, 4, 27);
    BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
    assertTrue(e.getMessage().contains("header offset 27"), e.getMessage());
  }

  @Test
  void nonZeroHeaderTailAfterTheLayoutFieldsIsRejectedNamingItsOffset() {
    byte[] blob = withHeaderTail(layoutBlob(ByteOrder.LITTLE_ENDIAN), BtfHeader.LAYOUT_SIZE, 8, 37);
    BtfFormatException e = assertThrows(BtfFormatException.class, () -> BtfParser.parse(blob));
    assertTrue(e.getMessage().contains("header offset 37"), e.getMessage());
  }

  /** The little-endian blob with {@code extra} header bytes inserted, byte {@code nonZeroAt} set. */
  private static byte[] withHeaderTail(byte[] blob, int hdrLen, int extra, int nonZeroAt) {
    ByteBuffer out = ByteBuffer.allocate(blob.length + extra).order(ByteOrder.LITTLE_ENDIAN);
    out.put(blob, 0, hdrLen).put(new byte[extra]).put(blob, hdrLen, blob.length - hdrLen);
    out.putInt(4, hdrLen + extra);
    if (nonZeroAt >= 0) {
      out.put(nonZeroAt, (byte) 0x5a);
    }
    return out.array();
  }

  /** Byte orders as an enum, for {@code @EnumSource}. */
  enum ByteOrderName {
    LITTLE_ENDIAN(ByteOrder.LITTLE_ENDIAN),
    BIG_ENDIAN(ByteOrder.BIG_ENDIAN);

    final ByteOrder order;

    ByteOrderName(ByteOrder order) {
      this.order = order;
    }
  }
}
