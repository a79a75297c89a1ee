package dev.btfscan.io.util;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File names the JVM cannot name again. Java turns a file name's bytes into a string with the
 * file-name encoding it takes from the locale at start-up ({@code sun.jnu.encoding}; no option
 * changes it later): under a C or POSIX locale (cron, systemd units, {@code env -i}, minimal
 * containers) that is ASCII, and every non-ASCII name becomes a string that is no valid path;
 * under a UTF-8 locale, bytes that are no UTF-8 become U+FFFD and the string names another file.
 * Such files can only be reported, with this reason, never silently skipped.
 */
public final class FileNames {
  private FileNames() {}

  /** The JVM's file-name encoding, as the reasons below name it. */
  public static String encoding() {
    return System.getProperty("sun.jnu.encoding", "unknown");
  }

  /** Whether that encoding is UTF-8 (else every non-ASCII name is out of reach). */
  public static boolean utf8() {
    String e = encoding().replace("-", "");
    return e.equalsIgnoreCase("UTF8");
  }

  /** The reason a file called {@code name} cannot be opened by name. */
  public static String unrepresentable(String name) {
    return "its name cannot be turned back into the file's bytes in this JVM's file-name encoding ("
        + encoding() + (utf8() ? ": the name is no valid UTF-8" : ", from the locale: run under a UTF-8 locale, e.g. LC_ALL=C.UTF-8")
        + "): " + name;
  }

  /** Whether {@code name} is how the JVM shows a name it could not decode (U+FFFD where bytes were). */
  public static boolean lostBytes(String name) {
    return name.indexOf('\uFFFD') >= 0;
  }

  /** {@link Path#of}, with a name the encoding cannot express as an IOException that says so. */
  public static Path parse(String name) throws IOException {
    try {
      return Path.of(name);
    } catch (InvalidPathException e) {
      throw new IOException(unrepresentable(name), e);
    }
  }
}
