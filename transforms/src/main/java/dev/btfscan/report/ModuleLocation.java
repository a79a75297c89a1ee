package dev.btfscan.report;

/**
 * Where a module was found and what its file says about itself, before any BTF analysis.
 *
 * @param path inside the package, sanitized (no leading {@code ./} or {@code /})
 * @param release the kernel release, from {@code .modinfo} vermagic or else from the path
 * @param compression none, xz, zstd or gzip, detected by magic
 */
public record ModuleLocation(
    String packageName, String path, String module, String release, String arch, String compression) {}
