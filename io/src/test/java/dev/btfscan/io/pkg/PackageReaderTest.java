package dev.btfscan.io.pkg;

import static dev.btfscan.io.testing.TestPackages.Entry.dir;
import static dev.btfscan.io.testing.TestPackages.Entry.file;
import static dev.btfscan.io.testing.TestPackages.Entry.symlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.io.compress.Compression;
import dev.btfscan.io.compress.DecompressionBombException;
import dev.btfscan.io.compress.DecompressionLimits;
import dev.btfscan.io.pkg.TreeSource.TreeFile;
import dev.btfscan.io.testing.TestPackages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PackageReaderTest {
  static final List<TestPackages.Entry> ENTRIES = List.of(
      dir("lib/modules/6.1.0-13-amd64"),
      file("lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", "xfs module"),
      file("lib/modules/6.1.0-13-amd64/kernel/net/af_key.ko.xz", "af_key compressed"),
      symlink("lib/modules/6.1.0-13-amd64/build", "/usr/src/linux-headers-6.1.0-13-amd64"),
      file("boot/vmlinuz-6.1.0-13-amd64", "kernel image"));

  static final List<String> FILES = List.of(
      "lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko=xfs module",
      "lib/modules/6.1.0-13-amd64/kernel/net/af_key.ko.xz=af_key compressed",
      "boot/vmlinuz-6.1.0-13-amd64=kernel image");

  enum TestCompression {
    NONE, GZIP, BZIP2, XZ, ZSTD;

    Compression compression() {
      return Compression.valueOf(name());
    }
  }

  private static RecordingVisitor read(String name, byte[] pkg, PackageFormat expected) throws IOException {
    RecordingVisitor v = new RecordingVisitor();
    assertEquals(expected, PackageReader.read(name, new ByteArrayInputStream(pkg), v));
    return v;
  }

  @ParameterizedTest
  @EnumSource(TestCompression.class)
  void readsTarUnderEachCompression(TestCompression c) throws IOException {
    RecordingVisitor v = read("linux.tar", TestPackages.tar(ENTRIES, c.compression()), PackageFormat.TAR);
    assertEquals(FILES, v.files);
    assertEquals(List.of("lib/modules/6.1.0-13-amd64 DIRECTORY",
        "lib/modules/6.1.0-13-amd64/build SYMLINK -> /usr/src/linux-headers-6.1.0-13-amd64"), v.others);
  }

  @ParameterizedTest
  @EnumSource(TestCompression.class)
  void readsDebDataTarUnderEachCompression(TestCompression c) throws IOException {
    RecordingVisitor v = read("linux.deb", TestPackages.deb(ENTRIES, c.compression()), PackageFormat.DEB);
    assertEquals(FILES, v.files);
  }

  @ParameterizedTest
  @EnumSource(value = TestCompression.class, names = {"GZIP", "BZIP2", "XZ", "ZSTD", "NONE"})
  void readsRpmWithNewcPayload(TestCompression c) throws IOException {
    RecordingVisitor v = read("linux.rpm", TestPackages.rpm(ENTRIES, c.compression()), PackageFormat.RPM);
    assertEquals(FILES, v.files);
    assertEquals(List.of("lib/modules/6.1.0-13-amd64 DIRECTORY",
        "lib/modules/6.1.0-13-amd64/build SYMLINK -> /usr/src/linux-headers-6.1.0-13-amd64"), v.others);
    assertEquals("./lib/modules/6.1.0-13-amd64/kernel/fs/xfs/xfs.ko", v.entries.get(1).rawName());
  }

  /** Jazzer finding: a STRING_ARRAY tag whose count (2^31-ish) sized the array before any check. */
  @Test
  void fuzzCrashRpmStringArrayCountLargerThanTheHeaderIsMalformedNotOutOfMemory() throws IOException {
    byte[] crash;
    try (InputStream in = PackageReaderTest.class.getResourceAsStream("PackageReaderFuzzTestInputs/rpm/crash-string-array-count-oom")) {
      crash = in.readAllBytes();
    }
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("crash.rpm", new ByteArrayInputStream(crash), (entry, content) -> {}));
    assertTrue(e.reason().matches("rpm tag \\d+ declares \\d+ strings but only \\d+ header data bytes follow its offset"),
        e.reason());
  }

  /** rpm's cpio stores a hard-link set's bytes once, with its last link: the others point at it. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aHardLinkSetInAnRpmIsReadOnceAndItsEmptyLinksPointAtTheLinkWithTheBytes(boolean stripped) throws IOException {
    List<TestPackages.Entry> entries = List.of(
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/a.ko", "module bytes", 7),
        file("lib/modules/6.1.0/kernel/b.ko", "other"),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/c.ko", "module bytes", 7),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/d.ko", "module bytes", 7),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/empty1.ko", "", 9),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/empty2.ko", "", 9));
    byte[] rpm = stripped ? TestPackages.rpmStripped(entries, Compression.NONE) : TestPackages.rpm(entries, Compression.NONE);

    RecordingVisitor v = read("links.rpm", rpm, PackageFormat.RPM);

    assertEquals(List.of("lib/modules/6.1.0/kernel/b.ko=other", "lib/modules/6.1.0/kernel/d.ko=module bytes",
        "lib/modules/6.1.0/kernel/empty2.ko="), v.files);
    assertEquals(List.of(
        "lib/modules/6.1.0/kernel/a.ko HARDLINK -> ./lib/modules/6.1.0/kernel/d.ko",
        "lib/modules/6.1.0/kernel/c.ko HARDLINK -> ./lib/modules/6.1.0/kernel/d.ko",
        "lib/modules/6.1.0/kernel/empty1.ko HARDLINK -> ./lib/modules/6.1.0/kernel/empty2.ko"), v.others);
  }

  /**
   * Links that are no kernel files are no rows: they are reported as they come, never held for
   * their set's content, so a payload of millions of them holds nothing.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aHardLinkThatIsNoKernelFileIsNeverHeld(boolean stripped) throws IOException {
    List<TestPackages.Entry> entries = List.of(
        TestPackages.Entry.hardLinked("usr/share/doc/a", "text", 7),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/b.ko", "text", 7));
    byte[] rpm = stripped ? TestPackages.rpmStripped(entries, Compression.NONE) : TestPackages.rpm(entries, Compression.NONE);

    RecordingVisitor v = read("links.rpm", rpm, PackageFormat.RPM);

    assertEquals(List.of("usr/share/doc/a", "lib/modules/6.1.0/kernel/b.ko"),
        v.entries.stream().map(PackageEntry::path).toList()); // in archive order: a was not held
    assertEquals(List.of("lib/modules/6.1.0/kernel/b.ko=text"), v.files);
  }

  @Test
  void aHardLinkHeldWhenThePayloadBreaksIsStillReported() throws IOException {
    byte[] rpm = TestPackages.rpm(List.of(
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/a.ko", "x".repeat(4000), 7),
        TestPackages.Entry.hardLinked("lib/modules/6.1.0/kernel/b.ko", "x".repeat(4000), 7)), Compression.NONE);
    byte[] cut = Arrays.copyOf(rpm, rpm.length - 3000); // inside b.ko's content
    RecordingVisitor v = new RecordingVisitor();

    assertThrows(PackageReadException.class, () -> PackageReader.read("cut.rpm", new ByteArrayInputStream(cut), v));

    assertEquals(List.of("lib/modules/6.1.0/kernel/a.ko HARDLINK"), v.others);
  }

  @Test
  void readsRpmWithStrippedLargeFilePayload() throws IOException {
    RecordingVisitor v = read("large.rpm", TestPackages.rpmStripped(ENTRIES, Compression.XZ), PackageFormat.RPM);
    assertEquals(FILES, v.files);
    assertEquals(List.of("lib/modules/6.1.0-13-amd64 DIRECTORY",
        "lib/modules/6.1.0-13-amd64/build SYMLINK -> /usr/src/linux-headers-6.1.0-13-amd64"), v.others);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo-kernel-xz.rpm", "demo-kernel-zstd.rpm", "demo-kernel-gzip.rpm",
      "demo-kernel-xz.deb", "demo-kernel-zstd.deb", "demo-kernel-gzip.deb"})
  void readsPackagesBuiltByRpmbuildAndDpkgDeb(String name) throws IOException {
    byte[] pkg = resource(name);
    RecordingVisitor v = read(name, pkg, name.endsWith(".rpm") ? PackageFormat.RPM : PackageFormat.DEB);
    assertEquals(List.of(
        "boot/vmlinuz-6.1.0-test=fake kernel image\n",
        "lib/modules/6.1.0-test/kernel/fs/demo-fs.ko=fake module demo-fs\n"),
        v.files.stream().sorted().collect(java.util.stream.Collectors.toList()));
    assertTrue(v.others.contains("lib/modules/6.1.0-test/build SYMLINK -> /usr/src/linux-6.1.0-test"), v.others.toString());
    // dpkg-deb's ./lib/... and rpmbuild's cpio ./lib/... are relative: nothing is flagged
    assertEquals(List.of(), unsafeNames(v));
  }

  /**
   * Alpine's .apk (v2): gzip members, each a tar segment, the signature's and the control's cut
   * before their end-of-archive blocks (abuild-tar --cut), so that the concatenation is one tar.
   */
  @Test
  void readsAnAlpineApkAsOneTarOverItsGzipMembers() throws IOException {
    byte[] signature = cutEndOfArchive(TestPackages.tar(List.of(file(".SIGN.RSA.alpine.rsa.pub", "sig")), Compression.NONE));
    byte[] control = cutEndOfArchive(TestPackages.tar(List.of(file(".PKGINFO", "pkgname = linux-lts")), Compression.NONE));
    byte[] data = TestPackages.tar(List.of(file("lib/modules/6.6.63-0-lts/kernel/fs/xfs/xfs.ko.gz", "ko")),
        Compression.NONE);
    ByteArrayOutputStream apk = new ByteArrayOutputStream();
    for (byte[] segment : List.of(signature, control, data)) {
      apk.write(TestPackages.compress(segment, Compression.GZIP));
    }

    RecordingVisitor v = read("linux-lts-6.6.63-r0.apk", apk.toByteArray(), PackageFormat.TAR);

    assertEquals(List.of(".SIGN.RSA.alpine.rsa.pub=sig", ".PKGINFO=pkgname = linux-lts",
        "lib/modules/6.6.63-0-lts/kernel/fs/xfs/xfs.ko.gz=ko"), v.files);
  }

  /** Gentoo's gpkg (GLEP 78): the files are in the inner image tarball, under image/. */
  @Test
  void readsAGentooBinaryPackageThroughItsImageTarball() throws IOException {
    byte[] image = TestPackages.tar(List.of(dir("image/lib/modules/6.1.67-gentoo-dist/"),
        file("image/lib/modules/6.1.67-gentoo-dist/kernel/fs/xfs/xfs.ko", "ko"),
        file("image/boot/vmlinuz-6.1.67-gentoo-dist", "k")), Compression.XZ);
    byte[] metadata = TestPackages.tar(List.of(file("metadata/PF", "gentoo-kernel-bin-6.1.67")), Compression.XZ);
    byte[] gpkg = TestPackages.tar(List.of(file("gentoo-kernel-bin-6.1.67-1/gpkg-1", ""),
        file("gentoo-kernel-bin-6.1.67-1/metadata.tar.xz", metadata),
        file("gentoo-kernel-bin-6.1.67-1/image.tar.xz", image)), Compression.NONE);

    RecordingVisitor v = read("gentoo-kernel-bin-6.1.67-1.gpkg.tar", gpkg, PackageFormat.TAR);

    assertEquals(List.of("gentoo-kernel-bin-6.1.67-1/gpkg-1=", "lib/modules/6.1.67-gentoo-dist/kernel/fs/xfs/xfs.ko=ko",
        "boot/vmlinuz-6.1.67-gentoo-dist=k"), v.files.stream().filter(f -> !f.contains("metadata")).toList());
    assertEquals(List.of("lib/modules/6.1.67-gentoo-dist DIRECTORY"), v.others);
  }

  @Test
  void aCutGpkgImageKeepsWhatWasReadAndNamesTheImage() throws IOException {
    byte[] big = new byte[200_000];
    new java.util.Random(5).nextBytes(big); // incompressible: the cut lands inside b.ko's bytes
    byte[] image = TestPackages.tar(List.of(file("image/lib/modules/6.1.0/kernel/a.ko", "a"),
        file("image/lib/modules/6.1.0/kernel/b.ko", big)), Compression.XZ);
    byte[] gpkg = TestPackages.tar(List.of(file("k-1/gpkg-1", ""), file("k-1/image.tar.xz", image)), Compression.NONE);
    byte[] cut = Arrays.copyOf(gpkg, gpkg.length - 80_000);
    RecordingVisitor v = new RecordingVisitor();

    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("k-1.gpkg.tar", new ByteArrayInputStream(cut), v));

    assertTrue(v.files.contains("lib/modules/6.1.0/kernel/a.ko=a"), v.files.toString());
    assertTrue(e.reason().contains("k-1/image.tar.xz"), e.reason());
  }

  private static byte[] cutEndOfArchive(byte[] tar) {
    int end = tar.length;
    while (end >= 512 && Arrays.equals(tar, end - 512, end, new byte[512], 0, 512)) {
      end -= 512;
    }
    return Arrays.copyOf(tar, end);
  }

  @Test
  void flagsDuplicatesAndVisitsEachCopy() throws IOException {
    byte[] tar = TestPackages.tar(List.of(file("./a.ko", "one"), file("a.ko", "two")), Compression.NONE);
    RecordingVisitor v = read("dup.tar", tar, PackageFormat.TAR);
    assertEquals(List.of("a.ko=one", "a.ko=two (dup)"), v.files);
  }

  /**
   * tar's device and fifo entries have no content, and commons-compress calls every entry whose
   * type it does not single out a file: they are listed as special files, never read as empty
   * modules. A contiguous file (GNU type '7') is a regular file, as GNU tar extracts it.
   */
  @Test
  void devicesAndFifosInATarAreSpecialFilesNotEmptyOnes() throws IOException {
    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    for (byte type : new byte[] {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO}) {
      tarBlock(tar, new TarArchiveEntry("lib/modules/6.1.0/kernel/special-" + (char) type + ".ko", type), new byte[0]);
    }
    TarArchiveEntry contiguous = new TarArchiveEntry("lib/modules/6.1.0/kernel/contiguous.ko", TarConstants.LF_CONTIG);
    contiguous.setSize(2);
    tarBlock(tar, contiguous, new byte[] {'o', 'k'});
    tar.write(new byte[1024]);
    RecordingVisitor v = read("special.tar", tar.toByteArray(), PackageFormat.TAR);
    assertEquals(List.of("lib/modules/6.1.0/kernel/contiguous.ko=ok"), v.files);
    assertEquals(List.of("lib/modules/6.1.0/kernel/special-3.ko OTHER", "lib/modules/6.1.0/kernel/special-4.ko OTHER",
        "lib/modules/6.1.0/kernel/special-6.ko OTHER"), v.others);
  }

  /**
   * Only kernel files (modules, images) are rows, so only their names are remembered to flag a
   * second entry of one name: a package of millions of other entries (a 2 GiB payload of empty
   * files is four million) would otherwise hold every name it lists and exhaust the heap.
   */
  @Test
  void duplicatesAreFlaggedAmongKernelFilesOnly() throws IOException {
    byte[] tar = TestPackages.tar(List.of(file("doc/README", "one"), file("doc/README", "two"),
        file("boot/vmlinuz-6.1.0", "image"), file("./boot/vmlinuz-6.1.0", "again")), Compression.NONE);
    RecordingVisitor v = read("dup.tar", tar, PackageFormat.TAR);
    assertEquals(List.of("doc/README=one", "doc/README=two", "boot/vmlinuz-6.1.0=image", "boot/vmlinuz-6.1.0=again (dup)"),
        v.files);
  }

  @Test
  void flagsEscapingNames() throws IOException {
    byte[] tar = TestPackages.tar(List.of(file("../../etc/evil.ko", "x")), Compression.NONE);
    RecordingVisitor v = read("evil.tar", tar, PackageFormat.TAR);
    assertEquals("../../etc/evil.ko", v.entries.get(0).path());
    assertEquals("'..' escapes the package root", v.entries.get(0).unsafeReason());
  }

  /**
   * The package with 16 bytes inverted 24 bytes into its compressed payload (found by its magic):
   * past the stream header, into the first block.
   */
  private static byte[] damageEarly(byte[] pkg, Compression compression, int from) {
    byte[] magic = switch (compression) {
      case GZIP -> new byte[] {0x1f, (byte) 0x8b};
      case BZIP2 -> "BZh".getBytes(StandardCharsets.US_ASCII);
      case XZ -> new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
      case ZSTD -> new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
      default -> throw new IllegalArgumentException(compression.name());
    };
    int at = from;
    while (!Arrays.equals(pkg, at, at + magic.length, magic, 0, magic.length)) {
      at++;
    }
    byte[] damaged = pkg.clone();
    for (int i = at + 24; i < at + 40; i++) {
      damaged[i] ^= (byte) 0xff;
    }
    return damaged;
  }

  /**
   * The outer container was read, so a payload damaged at its start still names the format, and
   * the reason says which part broke.
   */
  @ParameterizedTest
  @EnumSource(value = TestCompression.class, names = {"GZIP", "BZIP2", "XZ", "ZSTD"})
  void aDebWhoseDataTarIsDamagedEarlyKeepsItsFormatAndNamesTheMember(TestCompression c) throws IOException {
    byte[] deb = TestPackages.deb(ENTRIES, c.compression());
    int member = new String(deb, StandardCharsets.ISO_8859_1).indexOf("data.tar");
    byte[] damaged = damageEarly(deb, c.compression(), member + 60);
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("early.deb", new ByteArrayInputStream(damaged), new RecordingVisitor()));
    assertEquals(PackageFormat.DEB, e.format());
    String memberName = "data.tar." + (c == TestCompression.ZSTD ? "zst" : c == TestCompression.BZIP2 ? "bz2"
        : c == TestCompression.GZIP ? "gz" : "xz");
    assertTrue(e.reason().contains(memberName), e.reason());
  }

  @ParameterizedTest
  @EnumSource(value = TestCompression.class, names = {"GZIP", "BZIP2", "XZ", "ZSTD"})
  void anRpmWhosePayloadIsDamagedEarlyKeepsItsFormatAndNamesThePayload(TestCompression c) throws IOException {
    byte[] rpm = TestPackages.rpm(ENTRIES, c.compression());
    byte[] damaged = damageEarly(rpm, c.compression(), RpmReader.LEAD_LENGTH);
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("early.rpm", new ByteArrayInputStream(damaged), new RecordingVisitor()));
    assertEquals(PackageFormat.RPM, e.format());
    assertTrue(e.reason().contains("payload"), e.reason());
  }

  @Test
  void aDecoderFailureIsPrefixedWithThePartItBrokeIn() throws IOException {
    byte[] deb = TestPackages.deb(ENTRIES, Compression.XZ);
    int member = new String(deb, StandardCharsets.ISO_8859_1).indexOf("data.tar");
    byte[] damaged = damageEarly(deb, Compression.XZ, member + 60);
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("early.deb", new ByteArrayInputStream(damaged), new RecordingVisitor()));
    assertEquals(0, e.entriesRead());
    assertTrue(e.reason().startsWith("data.tar.xz: "), e.reason());
  }

  /** path=unsafe reason of every entry, in order. */
  private static List<String> unsafeNames(RecordingVisitor v) {
    return v.entries.stream().filter(e -> e.unsafeReason() != null).map(e -> e.path() + "=" + e.unsafeReason())
        .collect(java.util.stream.Collectors.toList());
  }

  @Test
  void anAbsoluteTarMemberIsVisitedUnderItsRelativePathAndFlagged() throws IOException {
    byte[] tar = TestPackages.tar(List.of(file("/abs/x.ko", "a"), file("//x.ko", "b"), file("/./y.ko", "c"),
        file("./lib/modules/6.1.0/kernel/ok.ko", "d")), Compression.GZIP);
    RecordingVisitor v = read("abs.tar.gz", tar, PackageFormat.TAR);
    assertEquals(List.of("abs/x.ko=a", "x.ko=b", "y.ko=c", "lib/modules/6.1.0/kernel/ok.ko=d"), v.files);
    assertEquals(List.of("abs/x.ko=absolute name", "x.ko=absolute name", "y.ko=absolute name"), unsafeNames(v));
    assertEquals("/abs/x.ko", v.entries.get(0).rawName());
  }

  /** commons-compress drops the leading '/' of GNU long names and PAX paths; the reader must not. */
  @ParameterizedTest
  @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU})
  void anAbsoluteTarMemberWithALongNameIsFlaggedToo(int longFileMode) throws IOException {
    String longName = "/" + "d".repeat(120) + "/x.ko";
    String shortAfter = "lib/modules/6.1.0/kernel/ok.ko";
    byte[] tar = TestPackages.tar(List.of(file(longName, "a"), file(shortAfter, "b")), Compression.NONE, longFileMode);
    RecordingVisitor v = read("long.tar", tar, PackageFormat.TAR);
    assertEquals(List.of(longName.substring(1) + "=a", shortAfter + "=b"), v.files);
    assertEquals(List.of(longName.substring(1) + "=absolute name"), unsafeNames(v));
    assertEquals(longName, v.entries.get(0).rawName());
    assertEquals(shortAfter, v.entries.get(1).rawName()); // the long name does not stick to the next entry
  }

  @Test
  void aPathFromAGlobalPaxHeaderIsTakenAsStored() throws IOException {
    // written block by block: TarArchiveOutputStream would normalise the path record itself
    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    byte[] record = "16 path=/g/x.ko\n".getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry global = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
    global.setSize(record.length);
    tarBlock(tar, global, record);
    TarArchiveEntry f = new TarArchiveEntry("ignored.ko");
    f.setSize(1);
    tarBlock(tar, f, new byte[] {'a'});
    tar.write(new byte[1024]);
    RecordingVisitor v = read("global.tar", tar.toByteArray(), PackageFormat.TAR);
    assertEquals(List.of("g/x.ko=a"), v.files);
    assertEquals(List.of("g/x.ko=absolute name"), unsafeNames(v));
  }

  private static void tarBlock(java.io.ByteArrayOutputStream tar, TarArchiveEntry header, byte[] content) {
    byte[] h = new byte[512];
    header.writeEntryHeader(h);
    tar.writeBytes(h);
    tar.writeBytes(java.util.Arrays.copyOf(content, (content.length + 511) / 512 * 512));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "'16 path=/a/b.ko\n'|/a/b.ko",
      "'16 path=/a/b.ko\n11 path=/c\n'|/c",
      "'13 mtime=1.5\n'|",
      "'8 path=\n'|",
      "'99 path=/a\n'|",
      "'x path=/a\n'|",
      "''|",
  })
  void paxPathReadsTheLastPathRecordAndNeverThrows(String data, String expected) {
    assertEquals(expected, TarReader.RawNameTarInputStream.paxPath(data.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anAbsoluteCpioMemberInAnRpmIsFlagged() throws IOException {
    byte[] rpm = TestPackages.rpm(List.of(file("/abs/x.ko", "a"), file("lib/modules/6.1.0/kernel/ok.ko", "b")),
        Compression.XZ);
    RecordingVisitor v = read("abs.rpm", rpm, PackageFormat.RPM);
    assertEquals(List.of("abs/x.ko=a", "lib/modules/6.1.0/kernel/ok.ko=b"), v.files);
    assertEquals(List.of("abs/x.ko=absolute name"), unsafeNames(v));
  }

  @Test
  void theAbsoluteFileListOfAStrippedRpmIsNotAnUnsafeName() throws IOException {
    // 07070X payloads take their names from the header's file list, absolute by definition
    RecordingVisitor v = read("large.rpm", TestPackages.rpmStripped(ENTRIES, Compression.XZ), PackageFormat.RPM);
    assertEquals(FILES, v.files);
    assertEquals(List.of(), unsafeNames(v));
  }

  @Test
  void visitorMayLeaveContentUnreadOrCloseIt() throws IOException {
    byte[] tar = TestPackages.tar(ENTRIES, Compression.XZ);
    List<String> seen = new java.util.ArrayList<>();
    PackageReader.read("t", new ByteArrayInputStream(tar), (entry, content) -> {
      seen.add(entry.path());
      if (seen.size() == 1) {
        content.close();
      }
    });
    assertEquals(3, seen.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tar.xz", "deb", "rpm", "rpm-stripped"})
  void truncatedPackageFailsAfterVisitingTheEntriesBeforeTheBreak(String kind) throws IOException {
    byte[] big = new byte[300_000];
    new java.util.Random(1).nextBytes(big); // incompressible, so the cut lands inside this entry
    List<TestPackages.Entry> entries = List.of(file("first.ko", "first"), file("big.ko", big), file("last.ko", "last"));
    byte[] pkg;
    switch (kind) {
      case "tar.xz":
        pkg = TestPackages.tar(entries, Compression.XZ);
        break;
      case "deb":
        pkg = TestPackages.deb(entries, Compression.ZSTD);
        break;
      case "rpm":
        pkg = TestPackages.rpm(entries, Compression.GZIP);
        break;
      default:
        pkg = TestPackages.rpmStripped(entries, Compression.XZ);
    }
    byte[] truncated = Arrays.copyOf(pkg, pkg.length / 2);
    RecordingVisitor v = new RecordingVisitor();
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("cut." + kind, new ByteArrayInputStream(truncated), v));
    assertEquals(List.of("first.ko=first"), v.files);
    assertEquals("cut." + kind, e.packageName());
    assertTrue(e.entriesRead() >= 1, "entries " + e.entriesRead());
    assertTrue(e.offset() > 0 && e.offset() <= truncated.length, "offset " + e.offset());
    assertTrue(e.getMessage().startsWith("cut." + kind + ": "), e.getMessage());
    assertTrue(e.reason().toLowerCase().contains("truncated") || e.reason().toLowerCase().contains("eof")
        || e.reason().toLowerCase().contains("unexpected end"), e.reason());
  }

  @Test
  void rejectsDataThatIsNoPackage() {
    byte[] elf = new byte[1024];
    elf[0] = 0x7f;
    elf[1] = 'E';
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("x.bin", new ByteArrayInputStream(elf), new RecordingVisitor()));
    assertEquals("not a package: not rpm, deb or tar", e.reason());
  }

  @Test
  void rejectsDebWithoutData() throws IOException {
    byte[] deb = TestPackages.deb(ENTRIES, Compression.XZ);
    // rename the member: "data.tar.xz" -> "dat0.tar.xz" (same length keeps the ar layout)
    String s = new String(deb, StandardCharsets.ISO_8859_1).replace("data.tar.xz", "dat0.tar.xz");
    PackageReadException e = assertThrows(PackageReadException.class, () -> PackageReader.read("nodata.deb",
        new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)), new RecordingVisitor()));
    assertEquals("deb has no data.tar member", e.reason());
  }

  @Test
  void reportsPayloadBombsAsPackageFailures() throws IOException {
    byte[] tar = TestPackages.tar(List.of(file("zeros.ko", new byte[3 << 20])), Compression.XZ);
    PackageReadException e = assertThrows(PackageReadException.class, () -> PackageReader.read("bomb.tar.xz",
        new ByteArrayInputStream(tar), new RecordingVisitor(), DecompressionLimits.defaults().withMaxOutputBytes(1 << 20)));
    assertTrue(e.getCause() instanceof DecompressionBombException, String.valueOf(e.getCause()));
    assertEquals("decompression bomb: xz payload of bomb.tar.xz expands beyond 1 MiB limit", e.reason());
  }

  @Test
  void readsADirectoryTreeInSortedOrder(@TempDir Path dir) throws IOException {
    write(dir.resolve("lib/modules/6.1.0/kernel/b.ko"), "b");
    write(dir.resolve("lib/modules/6.1.0/kernel/a.ko"), "a");
    write(dir.resolve("boot/vmlinuz-6.1.0"), "k");
    RecordingVisitor v = new RecordingVisitor();
    assertEquals(PackageFormat.DIRECTORY, PackageReader.readTree("tree", new LocalTreeSource(dir), v));
    assertEquals(List.of("boot/vmlinuz-6.1.0=k", "lib/modules/6.1.0/kernel/a.ko=a", "lib/modules/6.1.0/kernel/b.ko=b"),
        v.files);
  }

  @Test
  void aTreeFileThatCannotBeOpenedIsVisitedAndTheRestOfTheTreeIsStillRead(@TempDir Path dir) throws Exception {
    for (String name : List.of("a.ko", "b.ko", "c.ko")) {
      write(dir.resolve("lib/modules/6.1.0/kernel/" + name), name);
    }
    TreeSource local = new LocalTreeSource(dir);
    TreeSource bIsGone = new TreeSource() {
      @Override
      public List<TreeFile> files() throws IOException {
        return local.files();
      }

      @Override
      public InputStream open(TreeFile file) throws IOException {
        if (file.relativePath().endsWith("b.ko")) {
          throw new java.nio.file.AccessDeniedException(file.location());
        }
        return local.open(file);
      }
    };
    RecordingVisitor v = new RecordingVisitor();

    PackageReadException e = assertThrows(PackageReadException.class, () -> PackageReader.readTree("tree", bIsGone, v));

    assertEquals(List.of("lib/modules/6.1.0/kernel/a.ko=a.ko", "lib/modules/6.1.0/kernel/c.ko=c.ko"), v.files);
    assertEquals(3, v.entries.size()); // b.ko was seen: its visitor got the entry and the failure
    assertTrue(e.reason().startsWith("1 file(s) of the tree could not be read, the first lib/modules/6.1.0/kernel/b.ko: "),
        e.reason());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // opening the fifo would block for ever
  void aTreeListsItsLinksAndSpecialFilesAndNeitherFollowsNorOpensThem(@TempDir Path dir) throws Exception {
    Path kernel = dir.resolve("lib/modules/6.1.0/kernel");
    write(kernel.resolve("a.ko"), "a");
    Files.createSymbolicLink(kernel.resolve("link.ko"), Path.of("a.ko"));
    Files.createSymbolicLink(kernel.resolve("loop"), Path.of(".."));
    Files.createSymbolicLink(kernel.resolve("escape.ko"), Path.of("/etc/passwd"));
    assertEquals(0, new ProcessBuilder("mkfifo", kernel.resolve("fifo.ko").toString()).start().waitFor());
    RecordingVisitor v = new RecordingVisitor();

    PackageReader.readTree("tree", new LocalTreeSource(dir), v);

    assertEquals(List.of("lib/modules/6.1.0/kernel/a.ko=a"), v.files);
    assertEquals(List.of("lib/modules/6.1.0/kernel/escape.ko SYMLINK -> /etc/passwd",
        "lib/modules/6.1.0/kernel/fifo.ko OTHER", "lib/modules/6.1.0/kernel/link.ko SYMLINK -> a.ko",
        "lib/modules/6.1.0/kernel/loop SYMLINK -> .."), v.others);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readsARealRpmLargeFilePackageWithStrippedCpio() throws IOException {
    // Built by rpmbuild 4.18 with a 4 GiB + 1 byte file, so the payload is 07070X; see generate.sh.
    byte[] pkg = resource("demo-largefile-zstd.rpm");
    List<String> seen = new java.util.ArrayList<>();
    EntryVisitor visitor = new EntryVisitor() {
      @Override
      public void visitFile(PackageEntry entry, InputStream content) throws IOException {
        if (entry.unsafeReason() != null) {
          seen.add("unsafe " + entry.rawName() + ": " + entry.unsafeReason()); // the header's /lib/... is no hostile name
        }
        if (entry.path().endsWith("huge.bin")) {
          seen.add(entry.path() + " " + entry.size());
          return; // left unread: the reader must skip 4 GiB without buffering it
        }
        seen.add(entry.path() + "=" + new String(content.readAllBytes(), StandardCharsets.UTF_8).trim());
      }

      @Override
      public void visitOther(PackageEntry entry) {
        seen.add(entry.path() + " " + entry.type() + (entry.linkTarget() == null ? "" : " -> " + entry.linkTarget()));
      }
    };
    DecompressionLimits fiveGiB = DecompressionLimits.defaults().withMaxOutputBytes(5L << 30)
        .withMaxRatio(Long.MAX_VALUE);
    assertEquals(PackageFormat.RPM, PackageReader.read("demo-largefile-zstd.rpm", new ByteArrayInputStream(pkg),
        visitor, fiveGiB));
    assertEquals(List.of(
        "lib/modules/6.1.0-big DIRECTORY",
        "lib/modules/6.1.0-big/huge.bin 4294967297",
        "lib/modules/6.1.0-big/kernel DIRECTORY",
        "lib/modules/6.1.0-big/kernel/small.ko=small module",
        "lib/modules/6.1.0-big/kernel/zz-after.ko=after huge",
        "lib/modules/6.1.0-big/link.ko SYMLINK -> kernel/small.ko"), seen);
  }

  @Test
  void theDefaultPayloadLimitsStopTheLargeFilePackage() throws IOException {
    byte[] pkg = resource("demo-largefile-zstd.rpm");
    RecordingVisitor v = new RecordingVisitor();
    PackageReadException e = assertThrows(PackageReadException.class,
        () -> PackageReader.read("demo-largefile-zstd.rpm", new ByteArrayInputStream(pkg), new EntryVisitor() {
          @Override
          public void visitFile(PackageEntry entry, InputStream content) {
            v.entries.add(entry);
          }
        }));
    assertTrue(e.getCause() instanceof DecompressionBombException, String.valueOf(e.getCause()));
    // 4 GiB of zeros in 138 KB: the ratio check fires long before the 2 GiB cap
    assertTrue(e.reason().startsWith("decompression bomb: zstd payload of demo-largefile-zstd.rpm expands more than 1000:1"), e.reason());
    assertEquals("lib/modules/6.1.0-big/huge.bin", e.entryPath());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tar.zst", "deb", "rpm"})
  void leavesTheCallersStreamOpen(String kind) throws IOException {
    byte[] pkg = kind.equals("deb") ? TestPackages.deb(ENTRIES, Compression.ZSTD)
        : kind.equals("rpm") ? TestPackages.rpm(ENTRIES, Compression.ZSTD) : TestPackages.tar(ENTRIES, Compression.ZSTD);
    boolean[] closed = {false};
    InputStream in = new java.io.FilterInputStream(new ByteArrayInputStream(pkg)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    PackageReader.read("p." + kind, in, new RecordingVisitor());
    assertEquals(false, closed[0]);
  }

  private static void write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    try (OutputStream out = Files.newOutputStream(p)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = PackageReaderTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name + " (run generate.sh next to it)");
      }
      return in.readAllBytes();
    }
  }
}
