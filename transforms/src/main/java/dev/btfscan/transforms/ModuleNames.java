package dev.btfscan.transforms;

/** The kernel's name for a module file: the base name without .ko[.xz|.zst|.gz], '-' read as '_'. */
public final class ModuleNames {
  private ModuleNames() {}

  public static String fromPath(String path) {
    String base = path.substring(path.lastIndexOf('/') + 1);
    int ko = base.lastIndexOf(".ko");
    if (ko > 0) {
      base = base.substring(0, ko);
    }
    return base.replace('-', '_');
  }
}
