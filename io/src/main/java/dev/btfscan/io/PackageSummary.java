package dev.btfscan.io;

import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/** One row per input package: what was found in it and what went wrong. */
@DefaultCoder(PackageSummaryCoder.class)
public final class PackageSummary {
  private final String packageName;
  private final String location;
  private final String format;
  private final long entriesSeen;
  private final long modulesSeen;
  private final long kernelImagesSeen;
  private final List<String> problems;

  public PackageSummary(String packageName, String location, String format, long entriesSeen, long modulesSeen,
      long kernelImagesSeen, List<String> problems) {
    this.packageName = Objects.requireNonNull(packageName, "packageName");
    this.location = Objects.requireNonNull(location, "location");
    this.format = Objects.requireNonNull(format, "format");
    this.entriesSeen = entriesSeen;
    this.modulesSeen = modulesSeen;
    this.kernelImagesSeen = kernelImagesSeen;
    this.problems = List.copyOf(problems);
  }

  /** The package's file name (directory name for trees), as in {@link KernelFile#packageName()}. */
  public String packageName() {
    return packageName;
  }

  /** Where the package was read from (Beam resource id), or the unmatched input pattern. */
  public String location() {
    return location;
  }

  /** "rpm", "deb", "tar", "directory", "file" (a lone kernel file), or "unknown" when the format could not be told. */
  public String format() {
    return format;
  }

  /** Entries of every type visited before the end or the failure. */
  public long entriesSeen() {
    return entriesSeen;
  }

  public long modulesSeen() {
    return modulesSeen;
  }

  public long kernelImagesSeen() {
    return kernelImagesSeen;
  }

  /** Problems, e.g. "truncated after 12 entries at offset 4096: ..."; empty when the read was clean. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PackageSummary)) {
      return false;
    }
    PackageSummary that = (PackageSummary) o;
    return entriesSeen == that.entriesSeen
        && modulesSeen == that.modulesSeen
        && kernelImagesSeen == that.kernelImagesSeen
        && packageName.equals(that.packageName)
        && location.equals(that.location)
        && format.equals(that.format)
        && problems.equals(that.problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(packageName, location, format, entriesSeen, modulesSeen, kernelImagesSeen, problems);
  }

  @Override
  public String toString() {
    return "PackageSummary{" + packageName + " (" + format + ") entries=" + entriesSeen + " modules=" + modulesSeen
        + " images=" + kernelImagesSeen + (problems.isEmpty() ? "" : " problems=" + problems) + " at " + location + "}";
  }
}
