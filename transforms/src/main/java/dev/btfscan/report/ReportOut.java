package dev.btfscan.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Where a report is rendered: appends go straight to a {@link Writer}, so the page of a scan of a
 * million modules is written as it is made instead of held whole (it was a StringBuilder of ~600
 * characters per module). Appends print as {@link StringBuilder}'s do.
 */
final class ReportOut {
  private final Writer out;

  ReportOut(Writer out) {
    this.out = out;
  }

  ReportOut append(String s) {
    return write(String.valueOf(s));
  }

  ReportOut append(char c) {
    try {
      out.write(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  ReportOut append(long n) {
    return write(Long.toString(n));
  }

  ReportOut append(Object o) {
    return write(String.valueOf(o));
  }

  private ReportOut write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Runs {@code render} into {@code out}; a failure to write surfaces as the IOException it was. */
  static void render(Writer out, java.util.function.Consumer<ReportOut> render) throws IOException {
    try {
      render.accept(new ReportOut(out));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Runs {@code render} into a string (tests, small reports). */
  static String toText(java.util.function.Consumer<ReportOut> render) {
    java.io.StringWriter s = new java.io.StringWriter();
    render.accept(new ReportOut(s));
    return s.toString();
  }
}
