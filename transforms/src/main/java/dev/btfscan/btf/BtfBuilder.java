package dev.btfscan.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Assembles a new blob from type records and strings: the writing side of remap, rebase, dedup
 * and distill. Standalone output starts its string section with the empty string, as every base
 * must; split output does not, and its offsets continue after the base's strings (offset 0 still
 * means "anonymous": it is the base's empty string).
 */
public final class BtfBuilder {
  private final Btf base;
  private final int startStrOff;
  private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
  private final Map<String, Integer> stringOffsets = new HashMap<>();
  private int[] words = new int[1024];
  private int wordCount;
  private int types;

  /** A builder for standalone BTF ({@code base == null}) or BTF split on {@code base}. */
  public BtfBuilder(Btf base) {
    this.base = base;
    this.startStrOff = base == null ? 0 : base.endStringOffset();
    if (base == null) {
      strings.write(0);
    }
    stringOffsets.put("", 0);
  }

  /** The id the next added type gets. */
  public int nextId() {
    return (base == null ? 1 : base.endId()) + types;
  }

  /** The global offset of {@code s}, added once; "" is always offset 0. */
  public int addString(String s) {
    Integer known = stringOffsets.get(s);
    if (known != null) {
      return known;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int off = startStrOff + strings.size();
    strings.write(bytes, 0, bytes.length);
    strings.write(0);
    stringOffsets.put(s, off);
    return off;
  }

  /** Appends one record (words as in {@link Btf#words}) and returns its id. */
  public int addType(int[] record) {
    if (record.length < 3) {
      throw new IllegalArgumentException("a BTF record has at least 3 words");
    }
    if (wordCount + record.length > words.length) {
      words = Arrays.copyOf(words, Math.max(words.length * 2, wordCount + record.length));
    }
    System.arraycopy(record, 0, words, wordCount, record.length);
    wordCount += record.length;
    int id = nextId();
    types++;
    return id;
  }

  public int typeCount() {
    return types;
  }

  /** The blob with a classic 24-byte header, types then strings, in {@code order}. */
  public byte[] build(ByteOrder order) {
    int typeLen = wordCount * 4;
    byte[] str = strings.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(BtfHeader.BASE_SIZE + typeLen + str.length).order(order);
    b.putShort((short) BtfHeader.MAGIC);
    b.put((byte) BtfHeader.VERSION);
    b.put((byte) 0);
    b.putInt(BtfHeader.BASE_SIZE);
    b.putInt(0);
    b.putInt(typeLen);
    b.putInt(typeLen);
    b.putInt(str.length);
    for (int i = 0; i < wordCount; i++) {
      b.putInt(words[i]);
    }
    b.put(str);
    return b.array();
  }
}
