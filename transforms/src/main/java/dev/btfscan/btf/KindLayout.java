package dev.btfscan.btf;

/**
 * The kind-layout section of a 32-byte-header blob: for each kind code, the size of its fixed
 * kind data ({@code info_sz}) and of each vlen element ({@code elem_sz}). It lets a reader step
 * over records of kinds newer than itself instead of giving up on the whole blob.
 */
public final class KindLayout {
  /** One entry on the wire: u8 info_sz, u8 elem_sz, u16 flags. */
  public static final int ENTRY_SIZE = 4;

  private final int[] infoSize;
  private final int[] elemSize;
  private final int[] flags;

  KindLayout(int[] infoSize, int[] elemSize, int[] flags) {
    this.infoSize = infoSize;
    this.elemSize = elemSize;
    this.flags = flags;
  }

  /** Number of kind codes described (entry {@code i} describes kind code {@code i}). */
  public int kinds() {
    return infoSize.length;
  }

  public boolean describes(int kindCode) {
    return kindCode >= 0 && kindCode < infoSize.length;
  }

  public int infoSize(int kindCode) {
    return infoSize[kindCode];
  }

  public int elemSize(int kindCode) {
    return elemSize[kindCode];
  }

  public int flags(int kindCode) {
    return flags[kindCode];
  }
}
