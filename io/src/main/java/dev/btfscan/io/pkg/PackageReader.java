package dev.btfscan.io.pkg;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.Decompressors;
import dev.btfscan.io.util.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a package in one streaming pass and hands each entry to an {@link EntryVisitor}. The format
 * is found from the bytes (RPM lead, ar magic, tar header under any supported compression); the
 * package is never buffered whole, in memory or on disk.
 *
 * <p>Failures of any kind (truncation, corrupt headers, decompression bombs, unchecked exceptions
 * from the archive libraries) surface as one {@link PackageReadException} after the entries read
 * so far were visited.
 */
public final class PackageReader {
  /** How the read failure of a tree's file that could not be opened starts (it fails alone). */
  public static final String TREE_FILE_NOT_OPENED = "cannot open the file: ";

  private static final int BUFFER = 1 << 16;

  private PackageReader() {}

  /** Reads with {@link DecompressionLimits#defaults()}; returns the detected format. */
  public static PackageFormat read(String packageName, InputStream in, EntryVisitor visitor) throws IOException {
    return read(packageName, in, visitor, DecompressionLimits.defaults());
  }

  /**
   * Reads the package in {@code in} (not closed here). {@code payloadLimits} bounds the
   * decompressed payload (data.tar, rpm cpio, compressed tar).
   */
  public static PackageFormat read(String packageName, InputStream in, EntryVisitor visitor,
      DecompressionLimits payloadLimits) throws IOException {
    CountingInputStream counted = shielded(in);
    ReadContext ctx = new ReadContext(packageName, visitor, counted::count);
    return failingAsOne(ctx, () -> {
      BufferedInputStream buffered = new BufferedInputStream(counted, BUFFER);
      PackageFormat container = PackageFormat.detectContainer(Decompressors.peek(buffered, 8));
      if (container != null) {
        ctx.format(container);
      }
      if (container == PackageFormat.RPM) {
        RpmReader.read(buffered, ctx, payloadLimits);
        return PackageFormat.RPM;
      }
      if (container == PackageFormat.DEB) {
        DebReader.read(buffered, ctx, payloadLimits);
        return PackageFormat.DEB;
      }
      readTar(buffered, ctx, payloadLimits);
      return PackageFormat.TAR;
    });
  }

  /** Reads a directory tree as a package, files sorted by path. */
  public static PackageFormat readTree(String packageName, TreeSource tree, EntryVisitor visitor) throws IOException {
    ReadContext ctx = new ReadContext(packageName, visitor, () -> 0L);
    ctx.format(PackageFormat.DIRECTORY);
    return failingAsOne(ctx, () -> {
      DirectoryReader.read(tree, ctx);
      return PackageFormat.DIRECTORY;
    });
  }

  /**
   * Reads a lone kernel file as a package of one entry named {@code entryName} ({@link
   * PackageFormat#FILE}); {@code size} is the file's, so a file that is shorter than it was when
   * listed fails like a truncated package. {@code in} is not closed here.
   */
  public static PackageFormat readFile(String packageName, String entryName, long size, InputStream in,
      EntryVisitor visitor) throws IOException {
    CountingInputStream counted = shielded(in);
    ReadContext ctx = new ReadContext(packageName, visitor, counted::count);
    ctx.format(PackageFormat.FILE);
    return failingAsOne(ctx, () -> {
      ctx.file(entryName, size, counted);
      return PackageFormat.FILE;
    });
  }

  /**
   * The caller's stream, counted, with close ignored: readers close their decoders (zstd holds
   * native memory), and the caller's stream stays open.
   */
  private static CountingInputStream shielded(InputStream in) {
    return new CountingInputStream(new CloseShield(in));
  }

  /** A read of one package: its format, once its entries are visited. */
  private interface PackageRead {
    PackageFormat run() throws IOException;
  }

  /**
   * Runs {@code read}, any failure of it (truncation, corrupt headers, bombs, the archive
   * libraries' unchecked exceptions) becoming the package's one {@link PackageReadException}.
   */
  private static PackageFormat failingAsOne(ReadContext ctx, PackageRead read) throws IOException {
    try {
      return read.run();
    } catch (IOException | RuntimeException e) {
      throw ctx.failure(e);
    }
  }

  private static void readTar(BufferedInputStream in, ReadContext ctx, DecompressionLimits limits) throws IOException {
    Compression compression = Compression.detect(Decompressors.peek(in, Compression.MAX_MAGIC_LENGTH));
    if (compression != Compression.NONE) {
      ctx.part(compression.displayName() + " payload");
    }
    InputStream decoded = compression == Compression.NONE ? in
        : Decompressors.open(in, compression, limits.withDescription("payload of " + ctx.packageName()));
    try (InputStream tar = new BufferedInputStream(decoded, BUFFER)) {
      if (!PackageFormat.looksLikeTar(Decompressors.peek(tar, PackageFormat.TAR_HEAD_LENGTH))) {
        String what = compression == Compression.NONE ? "" : compression.displayName() + "-compressed data that is ";
        throw ctx.failure("not a package: " + what + "not rpm, deb or tar", null);
      }
      ctx.format(PackageFormat.TAR);
      TarReader.read(tar, ctx, limits);
    }
  }

  /** Ignores close, so readers can close their decoder chains without closing the caller's stream. */
  private static final class CloseShield extends java.io.FilterInputStream {
    CloseShield(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
