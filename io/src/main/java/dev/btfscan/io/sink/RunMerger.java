package dev.btfscan.io.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Merges sorted runs into one file of newline-terminated UTF-8 lines, in the runs' order. Memory
 * is one line and one read buffer per open run, whatever the runs hold. At most {@link #FAN_IN}
 * runs are open at once (a runner with small bundles makes thousands, more than a process may open):
 * more are first merged {@code FAN_IN} at a time into intermediate runs under {@code scratch}.
 */
final class RunMerger {
  static final int FAN_IN = 64;

  private final Comparator<String> order;
  private final String scratch;
  private final int fanIn;

  /** @param scratch a Beam directory path (ending in '/') for intermediate runs */
  RunMerger(Comparator<String> order, String scratch) {
    this(order, scratch, FAN_IN);
  }

  RunMerger(Comparator<String> order, String scratch, int fanIn) {
    if (fanIn < 2) {
      throw new IllegalArgumentException("fan-in " + fanIn);
    }
    this.order = order;
    this.scratch = scratch;
    this.fanIn = fanIn;
  }

  /** Writes the merge of {@code runs} to {@code path}; an empty list writes an empty file. */
  void merge(List<String> runs, String path) throws IOException {
    List<String> level = new ArrayList<>(runs);
    while (level.size() > fanIn) {
      List<String> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += fanIn) {
        List<String> group = level.subList(i, Math.min(level.size(), i + fanIn));
        if (group.size() == 1) {
          next.add(group.get(0));
          continue;
        }
        String merged = scratch + "merged-" + UUID.randomUUID() + ".run";
        try (SortedRun.Writer w = new SortedRun.Writer(merged)) {
          mergeInto(group, w::add);
        }
        next.add(merged);
      }
      level = next;
    }
    try (OutputStream os = new BufferedOutputStream(Channels.newOutputStream(
        FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT)), 64 << 10)) {
      mergeInto(level, line -> {
        os.write(line.getBytes(StandardCharsets.UTF_8));
        os.write('\n');
      });
    }
  }

  private interface LineSink {
    void accept(String line) throws IOException;
  }

  /** One open run and its current line. */
  private record Head(String line, SortedRun.Reader run) {}

  private void mergeInto(List<String> runs, LineSink sink) throws IOException {
    PriorityQueue<Head> heads = new PriorityQueue<>(Math.max(1, runs.size()), (a, b) -> order.compare(a.line(), b.line()));
    List<SortedRun.Reader> open = new ArrayList<>();
    try {
      for (String path : runs) {
        SortedRun.Reader r = new SortedRun.Reader(path);
        open.add(r);
        String first = r.next();
        if (first != null) {
          heads.add(new Head(first, r));
        }
      }
      String previous = null;
      while (!heads.isEmpty()) {
        Head h = heads.poll();
        if (previous != null && order.compare(previous, h.line()) > 0) {
          throw new IOException("a run is out of order: " + h.line() + " after " + previous);
        }
        previous = h.line();
        sink.accept(h.line());
        String next = h.run().next();
        if (next != null) {
          heads.add(new Head(next, h.run()));
        }
      }
    } finally {
      IOException first = null;
      for (SortedRun.Reader r : open) {
        try {
          r.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
