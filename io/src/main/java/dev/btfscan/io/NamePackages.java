package dev.btfscan.io;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Gives every package location its name in the reports, unique across the scan: its file name
 * (a tree's directory name), or, when other locations share that file name, as many of its last
 * path segments as tell them all apart ({@code host-a/rootfs} and {@code host-b/rootfs}). Rows are
 * keyed by package and path, and a module's own vmlinux is the one its package carries, so two
 * packages under one name would merge their rows and cross their kernels.
 *
 * <p>A location matched by several inputs (a file and its directory, overlapping globs) is one
 * package: it is named, and read, once. Output: location, name.
 */
final class NamePackages extends PTransform<PCollection<String>, PCollection<KV<String, String>>> {
  private static final long serialVersionUID = 1L;

  @Override
  public PCollection<KV<String, String>> expand(PCollection<String> locations) {
    return locations
        .apply("By File Name", WithKeys.of(ReadPackageFn::packageName).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("Group Same Names", GroupByKey.create())
        .apply("Tell Apart", ParDo.of(new DoFn<KV<String, Iterable<String>>, KV<String, String>>() {
          @ProcessElement
          public void process(@Element KV<String, Iterable<String>> group, OutputReceiver<KV<String, String>> out) {
            TreeSet<String> distinct = new TreeSet<>();
            group.getValue().forEach(distinct::add);
            List<String> all = new ArrayList<>(distinct);
            List<String> names = names(all);
            for (int i = 0; i < all.size(); i++) {
              out.output(KV.of(all.get(i), names.get(i)));
            }
          }
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  /**
   * Names for distinct locations that share a file name: the fewest last path segments that
   * differ for every one of them (the same number for all, so the names read alike), or the whole
   * location when even that does not tell two apart (same path on two filesystems).
   */
  static List<String> names(List<String> locations) {
    List<String[]> segments = new ArrayList<>();
    int most = 0;
    for (String location : locations) {
      String[] s = trimSlash(location).split("/", -1);
      segments.add(s);
      most = Math.max(most, s.length);
    }
    for (int k = 1; k <= most; k++) {
      List<String> names = new ArrayList<>();
      for (String[] s : segments) {
        names.add(String.join("/", java.util.Arrays.asList(s).subList(Math.max(0, s.length - k), s.length)));
      }
      if (new TreeSet<>(names).size() == names.size()) {
        return names;
      }
    }
    return locations;
  }

  private static String trimSlash(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }
}
