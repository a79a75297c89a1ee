package dev.btfscan.io.sink;

import java.io.BufferedOutputStream;
import java.io.Closeable;
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
    try (Merged merged = open(runs);
        OutputStream os = new BufferedOutputStream(Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT)), 64 << 10)) {
      for (String line = merged.next(); line != null; line = merged.next()) {
        os.write(line.getBytes(StandardCharsets.UTF_8));
        os.write('\n');
      }
    }
  }

  /**
   * The merge of {@code runs}, read a line at a time. More than {@code fanIn} runs are first merged
   * into intermediate runs under {@code scratch}, {@code fanIn} at a time, until no more are left.
   */
  Merged open(List<String> runs) throws IOException {
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
        try (Merged m = new Merged(group); SortedRun.Writer w = new SortedRun.Writer(merged)) {
          for (String line = m.next(); line != null; line = m.next()) {
            w.add(line);
          }
        }
        next.add(merged);
      }
      level = next;
    }
    return new Merged(level);
  }

  /** One open run and its current line. */
  private record Head(String line, SortedRun.Reader run) {}

  /** The lines of at most {@code fanIn} open runs, in order; closing closes the runs. */
  final class Merged implements Closeable {
    private final PriorityQueue<Head> heads;
    private final List<SortedRun.Reader> open = new ArrayList<>();
    private String previous;

    private Merged(List<String> runs) throws IOException {
      heads = new PriorityQueue<>(Math.max(1, runs.size()), (a, b) -> order.compare(a.line(), b.line()));
      try {
        for (String path : runs) {
          SortedRun.Reader r = new SortedRun.Reader(path);
          open.add(r);
          String first = r.next();
          if (first != null) {
            heads.add(new Head(first, r));
          }
        }
      } catch (IOException | RuntimeException e) {
        try {
          close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    /** The next line of the merge, or {@code null} after the last. */
    String next() throws IOException {
      Head h = heads.poll();
      if (h == null) {
        return null;
      }
      if (previous != null && order.compare(previous, h.line()) > 0) {
        throw new IOException("a run is out of order: " + h.line() + " after " + previous);
      }
      previous = h.line();
      String next = h.run().next();
      if (next != null) {
        heads.add(new Head(next, h.run()));
      }
      return h.line();
    }

    @Override
    public void close() throws IOException {
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
