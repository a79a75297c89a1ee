package dev.btfscan.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractSequentialList;
import java.util.ListIterator;
import java.util.NoSuchElementException;

/**
 * The rows of a JSONL file as a list that holds none of them: each pass reads and parses the file
 * again, one row at a time. For report files too large to parse into memory at once (a parsed row
 * takes about 3.6 KB of heap, its line under 1 KB); only forward iteration is cheap.
 */
final class StreamedRows extends AbstractSequentialList<ObjectNode> {
  private final Path file;
  private final int size;

  /** Reads {@code file} once, to count and check its rows. */
  StreamedRows(Path file) throws IOException {
    this.file = file;
    int n = 0;
    try (Reader r = new Reader()) {
      while (r.hasNext()) {
        r.next();
        n++;
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    this.size = n;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public ListIterator<ObjectNode> listIterator(int index) {
    if (index < 0 || index > size) {
      throw new IndexOutOfBoundsException(index);
    }
    try {
      Reader r = new Reader();
      for (int i = 0; i < index; i++) {
        r.next();
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A forward pass over the file; closes it at the end. A pass abandoned half-way leaves its file
   * open until collected (reports read every pass to the end).
   */
  private final class Reader implements ListIterator<ObjectNode>, AutoCloseable {
    private final BufferedReader in;
    private int index;
    private int lineNo;
    private ObjectNode next;

    Reader() throws IOException {
      this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      advance();
    }

    private void advance() {
      try {
        next = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lineNo++;
          if (!line.isBlank()) {
            try {
              next = Json.parse(line);
            } catch (IllegalArgumentException e) {
              throw new IOException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
            return;
          }
        }
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public ObjectNode next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      ObjectNode row = next;
      index++;
      advance();
      return row;
    }

    @Override
    public int nextIndex() {
      return index;
    }

    @Override
    public boolean hasPrevious() {
      return false;
    }

    @Override
    public ObjectNode previous() {
      throw new UnsupportedOperationException("streamed rows are read forward only");
    }

    @Override
    public int previousIndex() {
      return index - 1;
    }

    @Override
    public void remove() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void set(ObjectNode e) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void add(ObjectNode e) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
