package dev.btfscan.btf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One parsed BTF blob: standalone (ids from 1, strings from 0) or split on top of a base.
 *
 * <p>Like libbpf, this keeps the raw bytes and an index of type offsets and reads fields on
 * demand, so a 4 MB vmlinux is one buffer and one {@code int[]} rather than 95,000 objects. Ids and
 * string offsets are global across the base chain: asking a split blob for a base id or a base
 * string offset answers from the base.
 *
 * <p>Type words are numbered from 0: word 0 is {@code name_off}, 1 is {@code info}, 2 is
 * {@code size}/{@code type}, and words 3.. are the kind data ({@code struct btf_array},
 * members, enumerators, parameters, section variables, ...), all 32-bit.
 */
public final class Btf {
  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] data;
  private final boolean bigEndian;
  private final BtfHeader header;
  private final KindLayout layout;
  private final int[] offsets;
  private final int count;
  private final Btf base;
  private final int startId;
  private final int startStrOff;
  private final int stringsStart;
  private final int availableLength;
  /** {@link IdentifierStarts} of the own string section, made on first use (racy but idempotent). */
  private volatile long[] identifierStarts;
  /** {@link OwnReferences} of the own records, made on first use (racy but idempotent). */
  private volatile OwnReferences ownReferences;
  /** {@link #baseTypeTable()}: null until made, then a TypeTable or {@link #NO_TABLE}. */
  private volatile Object baseTypeTable;
  private static final Object NO_TABLE = new Object();

  Btf(byte[] data, BtfHeader header, KindLayout layout, int[] offsets, int count, Btf base) {
    this(data, header, layout, offsets, count, base, (int) header.blobSize());
  }

  Btf(byte[] data, BtfHeader header, KindLayout layout, int[] offsets, int count, Btf base,
      int availableLength) {
    this.data = data;
    this.bigEndian = header.order() == ByteOrder.BIG_ENDIAN;
    this.header = header;
    this.layout = layout;
    this.offsets = offsets;
    this.count = count;
    this.base = base;
    this.startId = base == null ? 1 : base.endId();
    this.startStrOff = base == null ? 0 : base.endStringOffset();
    this.stringsStart = header.offset() + header.hdrLen() + header.strOff();
    this.availableLength = availableLength;
  }

  /**
   * Bytes the blob was parsed from (for a module, the size of its {@code .BTF} section). The
   * kernel requires the sections to fill exactly this many bytes after the header; bytes beyond
   * the last section are reported by {@link BtfValidator}.
   */
  public int availableLength() {
    return availableLength;
  }

  public BtfHeader header() {
    return header;
  }

  public ByteOrder order() {
    return header.order();
  }

  /** The kind-layout section, or {@code null} when the blob has none. */
  public KindLayout layout() {
    return layout;
  }

  /** The base this blob is split on, or {@code null} for standalone/base BTF. */
  public Btf base() {
    return base;
  }

  public boolean isSplit() {
    return base != null;
  }

  /** First id of this blob's own types: 1 standalone, the base's {@link #endId()} when split. */
  public int startId() {
    return startId;
  }

  /** This blob's own types, void not included. */
  public int typeCount() {
    return count;
  }

  /** One past the last id: the first id of a blob split on this one. */
  public int endId() {
    return startId + count;
  }

  /** Whether {@code id} is void or a type of this blob or its bases. */
  public boolean hasId(int id) {
    return id >= 0 && id < endId();
  }

  /** Whether {@code id} is one of this blob's own types (not void, not the base's). */
  public boolean isOwnId(int id) {
    return id >= startId && id < endId();
  }

  /** Global offset of this blob's first string: 0 standalone, the base's end when split. */
  public int startStringOffset() {
    return startStrOff;
  }

  /** Length of this blob's own string section. */
  public int stringsLength() {
    return header.strLen();
  }

  /** One past the last global string offset: where a split blob's strings start. */
  public int endStringOffset() {
    return startStrOff + header.strLen();
  }

  /** The raw bytes of this blob alone (header and sections), as read. */
  public byte[] rawBytes() {
    byte[] out = new byte[(int) header.blobSize()];
    System.arraycopy(data, header.offset(), out, 0, out.length);
    return out;
  }

  // ---- types -------------------------------------------------------------------------------

  private Btf owner(int id) {
    Btf b = this;
    while (id < b.startId) {
      b = b.base;
      if (b == null) {
        throw new IllegalArgumentException("type id " + id + " is void or out of range");
      }
    }
    if (id >= b.endId()) {
      throw new IllegalArgumentException("type id " + id + " out of range (last id " + (endId() - 1) + ")");
    }
    return b;
  }

  /** Byte offset of type {@code id}'s record in the array of the blob that owns it. */
  int recordOffset(int id) {
    Btf b = owner(id);
    return b.offsets[id - b.startId];
  }

  /** The 32-bit word {@code index} of type {@code id}'s record (see the class comment). */
  public int word(int id, int index) {
    Btf b = owner(id);
    return b.intAt(b.offsets[id - b.startId] + 4 * index);
  }

  /** The 32-bit value at byte {@code pos} of this blob's array, in the blob's byte order. */
  int intAt(int pos) {
    return bigEndian ? (int) BE_INT.get(data, pos) : (int) LE_INT.get(data, pos);
  }

  /**
   * Byte offsets of this blob's own records in its array, indexed by {@code id - startId()}: the
   * index itself, not a copy (for the validator's linear passes; callers must not change it).
   */
  int[] recordOffsets() {
    return offsets;
  }

  /** The array this blob was parsed from (not a copy; callers must not change it). */
  byte[] array() {
    return data;
  }

  /**
   * Bit {@code off - startStringOffset()} set when that own string offset starts a valid
   * identifier ({@link IdentifierStarts}): made once per blob, so a base shared by thousands of
   * split modules is scanned once, not once per module.
   */
  long[] identifierStarts() {
    long[] bits = identifierStarts;
    if (bits == null) {
      bits = IdentifierStarts.of(data, stringsStart, header.strLen());
      identifierStarts = bits;
    }
    return bits;
  }

  /**
   * The type ids and name offsets of the own records, as stored ({@link OwnReferences}): made once
   * per blob, for the classifier and the base fingerprint of the same module.
   */
  OwnReferences ownReferences() {
    OwnReferences refs = ownReferences;
    if (refs == null) {
      refs = OwnReferences.of(this);
      ownReferences = refs;
    }
    return refs;
  }

  /**
   * What the validator reads of this blob's types when another blob is split on it ({@link
   * TypeTable#forBase}), or null when it cannot serve as a base table: made once per blob, so a
   * vmlinux shared by thousands of modules has its modifier chains, sizes and member shapes found
   * once (about 22 bytes per type: 2 MB for a vmlinux, held as long as the blob is). Made again
   * if two threads ask at once; both give the same table.
   */
  TypeTable baseTypeTable() {
    Object t = baseTypeTable;
    if (t == null) {
      TypeTable made = TypeTable.forBase(this);
      t = made == null ? NO_TABLE : made;
      baseTypeTable = t;
    }
    return t == NO_TABLE ? null : (TypeTable) t;
  }

  /** Where this blob's own string section starts in {@link #array()}. */
  int stringsStart() {
    return stringsStart;
  }

  /** All words of type {@code id}'s record, a copy to read or rewrite. */
  public int[] words(int id) {
    Btf b = owner(id);
    int off = b.offsets[id - b.startId];
    int n = b.recordSize(id) / 4;
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = b.intAt(off + 4 * i);
    }
    return w;
  }

  /** Size in bytes of type {@code id}'s record. */
  public int recordSize(int id) {
    Btf b = owner(id);
    int i = id - b.startId;
    int next = i + 1 < b.count ? b.offsets[i + 1]
        : b.header.offset() + b.header.hdrLen() + b.header.typeOff() + b.header.typeLen();
    return next - b.offsets[i];
  }

  public int info(int id) {
    return word(id, 1);
  }

  public int nameOffset(int id) {
    return word(id, 0);
  }

  /** Kind code in bits 24-30 of info (the 2026 widening; older writers leave 29-30 zero). */
  public int kindCode(int id) {
    return id == 0 ? 0 : (info(id) >>> 24) & 0x7f;
  }

  /** The kind, or {@code null} for void and for kinds this code does not know. */
  public BtfKind kind(int id) {
    return id == 0 ? null : BtfKind.of(kindCode(id));
  }

  /** vlen in bits 0-23 of info. */
  public int vlen(int id) {
    return info(id) & 0xffffff;
  }

  public boolean kindFlag(int id) {
    return info(id) < 0;
  }

  /** Word 2: the size for sized kinds, the referenced type id for the others. */
  public int sizeOrType(int id) {
    return word(id, 2);
  }

  /** The type's name, "" when anonymous, {@code null} when its name offset is out of range. */
  public String name(int id) {
    return string(nameOffset(id));
  }

  // ---- strings -----------------------------------------------------------------------------

  /** Whether {@code off} is a valid global string offset in this blob or its bases. */
  public boolean hasStringOffset(int off) {
    if (off < 0) {
      return false;
    }
    Btf b = this;
    while (off < b.startStrOff) {
      b = b.base;
    }
    return off < b.endStringOffset();
  }

  /** Whether {@code off} is the first byte of a string (offset 0 or just after a NUL). */
  public boolean isStringStart(int off) {
    if (!hasStringOffset(off)) {
      return false;
    }
    Btf b = stringOwner(off);
    int local = off - b.startStrOff;
    return local == 0 || b.data[b.stringsStart + local - 1] == 0;
  }

  private Btf stringOwner(int off) {
    Btf b = this;
    while (off < b.startStrOff) {
      b = b.base;
    }
    return b;
  }

  /**
   * The NUL-terminated string at global offset {@code off}, or {@code null} when the offset is
   * outside every string section. A string missing its NUL ends at its section's end.
   */
  public String string(int off) {
    if (!hasStringOffset(off)) {
      return null;
    }
    Btf b = stringOwner(off);
    int start = b.stringsStart + off - b.startStrOff;
    int end = b.stringsStart + b.header.strLen();
    int p = start;
    while (p < end && b.data[p] != 0) {
      p++;
    }
    return new String(b.data, start, p - start, StandardCharsets.UTF_8);
  }

  /** Whether the string at {@code off} is NUL-terminated inside its section. */
  public boolean isTerminated(int off) {
    if (!hasStringOffset(off)) {
      return false;
    }
    Btf b = stringOwner(off);
    int end = b.stringsStart + b.header.strLen();
    for (int p = b.stringsStart + off - b.startStrOff; p < end; p++) {
      if (b.data[p] == 0) {
        return true;
      }
    }
    return false;
  }

  /** Byte {@code i} of this blob's own string section. */
  public int stringByte(int i) {
    return data[stringsStart + i] & 0xff;
  }
}
