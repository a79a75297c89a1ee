package dev.btfscan.transforms;

/** Sort keys for report rows: package, then path inside it; rows with equal keys sort by content. */
public final class ReportKeys {
  private ReportKeys() {}

  public static String of(String packageName, String path) {
    return packageName + '\u0000' + path;
  }
}
