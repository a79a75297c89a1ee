package dev.btfscan.io;

import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.compress.ParallelDecodeSlots;
import dev.btfscan.io.pkg.EntryType;
import dev.btfscan.io.pkg.EntryVisitor;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.io.pkg.KernelFiles;
import dev.btfscan.io.pkg.PackageEntry;
import dev.btfscan.io.pkg.PackageFormat;
import dev.btfscan.io.pkg.PackageReadException;
import dev.btfscan.io.pkg.PackageReader;
import dev.btfscan.io.sink.RunSpiller;
import dev.btfscan.io.sink.WriteSortedLines;
import dev.btfscan.io.util.FileNames;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;

/**
 * Streams one package (a file, or a directory when the location ends with '/'; input: location
 * and the package's name from {@link NamePackages}) and emits a
 * {@link KernelFile} per module or kernel image candidate, then one {@link PackageSummary}. Never
 * throws on bad input: read failures end up in the summary's problems, and the kernel files found
 * before the failure are still emitted.
 */
final class ReadPackageFn extends DoFn<KV<String, String>, KernelFile> {
  /**
   * Bytes of kernel images one package holds back until its end: a few vmlinuz (~8-15 MB each);
   * a bigger image (a vmlinux ELF) is sent at once, waiting for its extraction.
   */
  static final long HELD_IMAGE_BYTES = 32L << 20;

  private final long maxEntryBytes;
  private final DecompressionLimits payloadLimits;
  private final SerializableFunction<byte[], byte[]> moduleBytes;
  private final LocalAnalysis localAnalysis;
  private final Map<String, RunSpiller> localReports;
  private final SerializableFunction<KernelFile, byte[]> imageDigest;
  private final SerializableFunction<KernelFile, byte[]> moduleDigest;

  private final Counter packages = Metrics.counter(ReadPackageFn.class, "packages");
  private final Counter failedPackages = Metrics.counter(ReadPackageFn.class, "failedPackages");
  private final Counter entries = Metrics.counter(ReadPackageFn.class, "entries");
  private final Counter modules = Metrics.counter(ReadPackageFn.class, "modules");
  private final Counter kernelImages = Metrics.counter(ReadPackageFn.class, "kernelImages");
  private final Counter bytes = Metrics.counter(ReadPackageFn.class, "bytes");
  private final Counter oversized = Metrics.counter(ReadPackageFn.class, "oversizedEntries");

  /**
   * @param moduleBytes applied to each non-duplicate module's bytes as read, or null
   * @param localAnalysis judges modules as they are read where it can, or null
   * @param localReports the spiller of each report {@code localAnalysis} writes lines of
   * @param imageDigest what to send on instead of a kernel image's bytes (null: the bytes), or null
   * @param moduleDigest what to send on instead of a module's bytes (null: the bytes), or null
   */
  ReadPackageFn(long maxEntryBytes, DecompressionLimits payloadLimits, SerializableFunction<byte[], byte[]> moduleBytes,
      LocalAnalysis localAnalysis, Map<String, RunSpiller> localReports, SerializableFunction<KernelFile, byte[]> imageDigest,
      SerializableFunction<KernelFile, byte[]> moduleDigest) {
    this.maxEntryBytes = maxEntryBytes;
    this.payloadLimits = payloadLimits;
    this.moduleBytes = moduleBytes;
    this.localAnalysis = localAnalysis;
    this.localReports = localReports;
    this.imageDigest = imageDigest;
    this.moduleDigest = moduleDigest;
  }

  @ProcessElement
  public void process(@Element KV<String, String> named, MultiOutputReceiver out) {
    packages.inc();
    String location = named.getKey();
    String name = named.getValue();
    Emitter emitter = new Emitter(name, out.get(KernelPackageIO.KERNEL_FILES), out.get(KernelPackageIO.LOCAL_RUNS),
        localAnalysis == null ? null : localAnalysis.open(name));
    List<String> problems = new ArrayList<>();
    String format;
    // The slot (if the payload decodes in parallel) is the package's until its held modules are judged.
    try (ParallelDecodeSlots.Scope slot = ParallelDecodeSlots.jvm().readingPackage()) {
      format = read(location, name, emitter, problems);
      // Modules a local analysis held for the package's end leave now, read to the end or not.
      emitter.finish();
    }
    out.get(KernelPackageIO.SUMMARIES).output(new PackageSummary(name, location, format, emitter.entries,
        emitter.modules, emitter.images, problems));
  }

  /** Reads the package into {@code emitter}; returns its format, adding to {@code problems} what broke. */
  private String read(String location, String name, Emitter emitter, List<String> problems) {
    try {
      PackageFormat f;
      if (location.endsWith("/")) {
        emitter.filesAt = location;
        f = PackageReader.readTree(name, TreeSources.of(location), emitter);
      } else {
        String special = notARegularFile(location);
        if (special != null) {
          failedPackages.inc();
          problems.add(special);
          return "unknown";
        }
        String lone = loneKernelFile(location);
        if (lone != null) { // its entry path is the tail of its location (KernelFiles.loneEntryPath)
          emitter.filesAt = location.substring(0, location.length() - lone.length());
        }
        try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(location, false)))) {
          f = lone == null
              ? PackageReader.read(name, in, emitter, payloadLimits)
              : PackageReader.readFile(name, lone, FileSystems.matchSingleFileSpec(location).sizeBytes(), in, emitter);
        }
      }
      return formatName(f);
    } catch (PackageReadException e) {
      failedPackages.inc();
      problems.add(describe(e));
      return formatName(e.format());
    } catch (Exception e) {
      // opening failed, or something unexpected: still a report row, never a failed bundle
      failedPackages.inc();
      problems.add("cannot read " + location + ": " + (unrepresentableName(location, e) ? FileNames.unrepresentable(location) : e));
      return "unknown";
    }
  }

  /**
   * The entry path of the lone kernel file at {@code location} (a file named as an input, not a
   * tree's: {@link KernelFiles#loneEntryPath}), or null when it is read as a package: its name is
   * no package's, and its path names a module, kernel image or raw BTF by the rules that pick
   * them inside packages ({@code af_key.ko.xz}, {@code boot/vmlinuz-6.1.0-13-amd64}, {@code
   * lib/modules/6.1.0-13-amd64/vmlinuz}, {@code 6.1.0-13-amd64.btf}).
   */
  static String loneKernelFile(String location) {
    if (MatchPackagesFn.looksLikePackage(location)) {
      return null;
    }
    // the path without a scheme and authority (gs://bucket) or leading '/', as package paths are
    String path = location.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", "").replaceFirst("^/+", "");
    return KernelFiles.loneEntryPath(path);
  }

  /**
   * Whether opening failed because the location's name lost its bytes in the JVM's file-name
   * encoding (see {@link FileNames}): the package is there, the string names no file.
   */
  private static boolean unrepresentableName(String location, Exception e) {
    return e instanceof java.nio.file.InvalidPathException
        || (e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException)
            && FileNames.lostBytes(location);
  }

  /**
   * Why a local input named as a package is not opened, or null: a fifo would block the reader
   * for ever and a device ({@code /dev/zero}) never ends, so only regular files (or links to one)
   * are read, as inside trees.
   */
  static String notARegularFile(String location) {
    java.nio.file.Path p = LocalPaths.of(location);
    if (p == null || !java.nio.file.Files.exists(p) || java.nio.file.Files.isRegularFile(p)) {
      return null; // on another filesystem, gone (opening says so), or a file
    }
    return "not a regular file (a fifo, socket or device): never opened";
  }


  /**
   * "truncated after 12 entries at offset 4096: ...", "truncated after 12 entries, inside
   * lib/modules/x/y.ko, at offset ...: ..." or "read failed after ...: reason".
   */
  static String describe(PackageReadException e) {
    String reason = e.reason();
    String where = " after " + e.entriesRead() + " entries"
        + (e.entryPath() == null ? "" : ", inside " + e.entryPath() + ",") + " at offset " + e.offset() + ": ";
    if (reason.startsWith("truncated: ")) {
      return "truncated" + where + reason.substring("truncated: ".length());
    }
    if (reason.startsWith("truncated")) {
      return "truncated" + where + reason;
    }
    return "read failed" + where + reason;
  }

  /** Why an entry whose reading failed has no bytes: "truncated: ..." or "not read: ...". */
  static String cutShort(PackageEntry entry, IOException e) {
    String message = e.getMessage() != null ? e.getMessage()
        : e instanceof EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
    if (message.startsWith(PackageReader.TREE_FILE_NOT_OPENED)) {
      return "not read: " + message; // a tree's file, on its own
    }
    if (e instanceof EOFException || message.toLowerCase(Locale.ROOT).contains("truncated")) {
      return "truncated: the package ends inside this entry (" + entry.size() + " bytes declared): " + message;
    }
    return "not read: the package breaks inside this entry: " + message;
  }

  private static String formatName(PackageFormat f) {
    return f == null ? "unknown" : f.name().toLowerCase(Locale.ROOT);
  }

  /** The last path segment of a location, without a trailing '/': its name unless another shares it. */
  static String packageName(String location) {
    String s = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    int slash = s.lastIndexOf('/');
    return slash < 0 ? s : s.substring(slash + 1);
  }

  /** Visitor that turns module and image entries into elements and counts the rest. */
  private final class Emitter implements EntryVisitor, LocalAnalysis.Output {
    private final String packageName;
    private final OutputReceiver<KernelFile> out;
    private final OutputReceiver<KV<String, String>> runs;
    private final LocalAnalysis.Session session;
    /**
     * Kernel images seen, to be sent on (digested) when the package ends: the session may be
     * extracting them in the background meanwhile, and digesting one now would wait for that.
     * Bounded by {@link #HELD_IMAGE_BYTES}: beyond it the oldest are sent at once.
     */
    private final java.util.ArrayDeque<KernelFile> imagesToSend = new java.util.ArrayDeque<>();
    private long imageBytesHeld;
    /** Lines of the package's judged modules, by report, until they are spilled as runs. */
    private final Map<String, RunSpiller.Buffer> lines = new TreeMap<>();
    long entries;
    long modules;
    long images;
    /**
     * When the package's entries are files of their own (a tree, a lone kernel file), what an
     * entry's path is appended to for its location, else null: a kernel image whose path names no
     * release may be the running kernel's ({@link RunningKernel}).
     */
    String filesAt;

    Emitter(String packageName, OutputReceiver<KernelFile> out, OutputReceiver<KV<String, String>> runs,
        LocalAnalysis.Session session) {
      this.packageName = packageName;
      this.out = out;
      this.runs = runs;
      this.session = session;
    }

    @Override
    public void line(String report, String line) {
      RunSpiller spiller = localReports.get(report);
      if (spiller == null) {
        throw new IllegalStateException("no spiller for report " + report);
      }
      RunSpiller.Buffer buffer = lines.computeIfAbsent(report, r -> spiller.buffer(WriteSortedLines.RUN_CHARS));
      try {
        emitRun(report, buffer.add(line));
      } catch (IOException e) {
        throw cannotSpill(report, e);
      }
    }

    private void emitRun(String report, String run) {
      if (run != null) {
        runs.output(KV.of(report, run));
      }
    }

    /** A failure to write a run is the scan's, not the package's. */
    private UncheckedIOException cannotSpill(String report, IOException e) {
      return new UncheckedIOException("cannot spill the " + report + " lines of " + packageName, e);
    }

    @Override
    public void passOn(KernelFile module) {
      out.output(digested(module, moduleDigest));
    }

    void finish() {
      if (session != null) {
        session.finish(this);
      }
      while (!imagesToSend.isEmpty()) {
        sendImage(imagesToSend.poll());
      }
      imageBytesHeld = 0;
      for (Map.Entry<String, RunSpiller.Buffer> e : lines.entrySet()) {
        try {
          emitRun(e.getKey(), e.getValue().flush());
        } catch (IOException x) {
          throw cannotSpill(e.getKey(), x);
        }
      }
    }

    @Override
    public void visitFile(PackageEntry entry, InputStream content) throws IOException {
      count();
      KernelFileKind kind = entry.kind();
      if (kind == KernelFileKind.OTHER) {
        return; // the reader skips the unread content
      }
      if (kind == KernelFileKind.MODULE) {
        modules++;
        ReadPackageFn.this.modules.inc();
      } else {
        images++;
        kernelImages.inc();
      }
      List<String> problems = new ArrayList<>();
      if (entry.isDuplicate()) {
        problems.add("duplicate entry name in package");
      }
      if (entry.size() > maxEntryBytes) {
        oversized.inc();
        problems.add("entry of " + entry.size() + " bytes exceeds the " + maxEntryBytes + "-byte cap; not read");
        emit(entry, kind, null, problems);
        return;
      }
      // the bytes held from the read until the entry is handed on (EntryBytes: why)
      EntryBytes.jvm().take(entry.size());
      try {
        readAndEmit(entry, kind, content, problems);
      } finally {
        EntryBytes.jvm().give(entry.size());
      }
    }

    /**
     * Reads the entry whole and hands it on. A method of its own so that no frame holds the bytes
     * once it returns: a local of {@link #visitFile} would keep them alive past the give-back to
     * {@link EntryBytes}, beside the next entry's read that the give-back lets start.
     */
    private void readAndEmit(PackageEntry entry, KernelFileKind kind, InputStream content, List<String> problems)
        throws IOException {
      byte[] data;
      try {
        // size <= maxEntryBytes <= Integer.MAX_VALUE - 16 is checked when the cap is set
        data = readWhole(content, (int) entry.size());
        bytes.inc(data.length);
      } catch (IOException e) {
        // The package ends or breaks inside this entry: it was seen, so it keeps a row saying
        // why it has no bytes; the package gets its problem from the rethrown failure.
        problems.add(cutShort(entry, e));
        emit(entry, kind, null, problems);
        throw e;
      }
      emit(entry, kind, data, problems);
    }

    /**
     * The entry's bytes in one array of its size: {@code readNBytes(int)} gathers chunks and then
     * copies them, holding an entry twice at its end (500 MB for one at the 256 MB cap). The size
     * is the archive's word, so the array is allocated under {@link EntryBytes}.
     */
    private byte[] readWhole(InputStream content, int size) throws IOException {
      byte[] data = new byte[size];
      int n = content.readNBytes(data, 0, size);
      return n == size ? data : java.util.Arrays.copyOf(data, n);
    }

    @Override
    public void visitOther(PackageEntry entry) {
      count();
      boolean notADirectory = entry.type() != EntryType.DIRECTORY;
      if (notADirectory && entry.kind() == KernelFileKind.MODULE) {
        // A module file name that is a link or a special file: reported, never followed or
        // opened (a symlink may point anywhere, a hard link's content is the target's, which has
        // its own row, and a fifo would block the reader).
        modules++;
        ReadPackageFn.this.modules.inc();
        List<String> problems = new ArrayList<>();
        if (entry.isDuplicate()) {
          problems.add("duplicate entry name in package");
        }
        problems.add(whyNoBytes(entry));
        emit(entry, KernelFileKind.MODULE, null, problems);
      }
    }

    private String whyNoBytes(PackageEntry entry) {
      switch (entry.type()) {
        case SYMLINK:
          return "symbolic link to '" + entry.linkTarget() + "': not followed, no module bytes";
        case HARDLINK:
          return entry.linkTarget() == null
              ? "hard link whose content never came (the package ended before the link that carries it)"
              : "hard link to '" + entry.linkTarget() + "': its bytes are reported under that path";
        default:
          return "not a regular file (a fifo, socket or device): never opened, no module bytes";
      }
    }

    private void emit(PackageEntry entry, KernelFileKind kind, byte[] data, List<String> problems) {
      if (moduleBytes != null && data != null && kind == KernelFileKind.MODULE && !entry.isDuplicate()) {
        data = moduleBytes.apply(data);
      }
      String release = KernelFiles.releaseFromPath(entry.path());
      if (release == null && kind == KernelFileKind.KERNEL_IMAGE && filesAt != null) {
        release = RunningKernel.releaseOf(filesAt + entry.path());
      }
      KernelFile file = new KernelFile(packageName, entry.path(), entry.rawName(), kind,
          release, entry.unsafeReason(), entry.size(), entry.isDuplicate(), data,
          problems, entries - 1);
      if (kind == KernelFileKind.KERNEL_IMAGE) {
        if (session == null) {
          sendImage(file);
          return;
        }
        session.kernelImage(file);
        imagesToSend.add(file);
        imageBytesHeld += data == null ? 0 : data.length;
        boolean sent = false;
        while (imageBytesHeld > HELD_IMAGE_BYTES && !imagesToSend.isEmpty()) {
          KernelFile oldest = imagesToSend.poll();
          imageBytesHeld -= oldest.bytes() == null ? 0 : oldest.bytes().length;
          sendImage(oldest);
          sent = true;
        }
        if (sent) {
          // this image may be among those sent, and its bytes leave EntryBytes when emit returns:
          // the session's extraction of it must be over by then, not still holding them
          session.awaitImages();
        }
      } else if (session == null) {
        passOn(file);
      } else {
        session.module(file, this);
      }
    }

    /** Its kernels.jsonl row and the side input for other packages. */
    private void sendImage(KernelFile image) {
      out.output(digested(image, imageDigest));
    }

    private KernelFile digested(KernelFile file, SerializableFunction<KernelFile, byte[]> digester) {
      byte[] digest = digester == null || file.bytes() == null ? null : digester.apply(file);
      return digest == null ? file : file.withDigest(digest);
    }

    private void count() {
      entries++;
      ReadPackageFn.this.entries.inc();
    }
  }
}
