package dev.btfscan.io.sink;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * One sorted run of lines in a file: what {@link WriteSortedLines} spills instead of keeping a
 * report's lines in memory. Each line is its UTF-8 length (4 bytes, big-endian) and bytes, so a
 * line may hold any character, newline included; the file ends after the last line.
 */
final class SortedRun {
  private static final int BUFFER = 64 << 10;

  private SortedRun() {}

  /** Writes {@code sorted} (already in order) to the Beam path {@code path}. */
  static void write(String path, List<String> sorted) throws IOException {
    try (Writer w = new Writer(path)) {
      for (String line : sorted) {
        w.add(line);
      }
    }
  }

  /** Appends lines to a new run. */
  static final class Writer implements Closeable {
    private final DataOutputStream out;

    Writer(String path) throws IOException {
      out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(
          FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.BINARY)), BUFFER));
    }

    void add(String line) throws IOException {
      byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
      out.writeInt(utf8.length);
      out.write(utf8);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Reads a run back, one line at a time. */
  static final class Reader implements Closeable {
    private final String path;
    private final DataInputStream in;

    Reader(String path) throws IOException {
      this.path = path;
      in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(
          FileSystems.open(FileSystems.matchNewResource(path, false))), BUFFER)); // a path, not a glob
    }

    /** The next line, or {@code null} after the last. */
    String next() throws IOException {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException end) {
        return null;
      }
      if (length < 0) {
        throw new IOException("damaged run " + path + ": line length " + length);
      }
      byte[] utf8 = new byte[length];
      in.readFully(utf8);
      return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
