package dev.btfscan.io.pkg;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies sanitised package paths ({@link EntryPath#path()}): kernel modules, kernel image
 * candidates, the kernel release a path belongs to and a module's name. Pure string rules: the
 * bytes are checked later (an "image candidate" may turn out to hold no BTF).
 */
public final class KernelFiles {
  /** Suffixes kmod loads; the compression is still detected from magic bytes when decoding. */
  private static final String[] MODULE_SUFFIXES = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

  /** {@code lib/modules/<release>/...} anywhere in the path (also usr/lib/..., usr/lib/debug/lib/...). */
  private static final Pattern MODULES_DIR = Pattern.compile("(?:^|/)lib/modules/([^/]+)/");
  /**
   * Versioned image names: vmlinuz-6.1.0-13-amd64, vmlinux-6.1.0-13-amd64, Image-6.1.0 (arm64),
   * zImage-6.4.0 (SUSE's armv7), image-6.4.0 (SUSE's s390x).
   */
  private static final Pattern VERSIONED_IMAGE = Pattern.compile("(?:vmlinuz|vmlinux|Image|zImage|image)-(.+)");
  /** Image names installed in /boot with the release appended. */
  private static final String[] BOOT_IMAGE_PREFIXES = {"vmlinuz-", "Image-", "zImage-", "image-"};
  /**
   * An image installed in the release's module directory itself (Fedora, Arch, openSUSE's
   * usrmerge), not deeper: a file called {@code image} under {@code kernel/} is not one.
   */
  private static final Pattern MODULES_DIR_IMAGE =
      Pattern.compile("(?:^|/)lib/modules/[^/]+/(?:vmlinuz|zImage|image|vmlinux\\.(?:xz|gz|zst|bz2)|[^/]+\\.efi)$");
  /** Unified Kernel Images where boot loaders look for them (the Boot Loader Specification's type #2). */
  private static final Pattern UKI_DIR = Pattern.compile("(?:^|/)EFI/Linux/[^/]+\\.efi$", Pattern.CASE_INSENSITIVE);
  /** A raw BTF blob named after its release (BTFHub style): 5.4.0-1009-aws.btf. */
  private static final Pattern RELEASE_BTF = Pattern.compile("([0-9][^/]*)\\.btf(?:\\.(?:xz|zst|gz))?");

  private KernelFiles() {}

  /** MODULE, KERNEL_IMAGE or OTHER for a sanitised path. */
  public static KernelFileKind classify(String path) {
    if (isModule(path)) {
      return KernelFileKind.MODULE;
    }
    if (isKernelImage(path)) {
      return KernelFileKind.KERNEL_IMAGE;
    }
    return KernelFileKind.OTHER;
  }

  /** Whether the file name ends with .ko, .ko.xz, .ko.zst or .ko.gz (and has a stem). */
  public static boolean isModule(String path) {
    return moduleSuffix(fileName(path)) != null;
  }

  /**
   * Kernel image candidates: {@code boot/vmlinuz-<rel>}, {@code boot/vmlinux-<rel>},
   * {@code boot/Image-<rel>}, {@code boot/zImage-<rel>}, {@code boot/image-<rel>} (all but the
   * last also at the top of the tree: {@code vmlinuz-<rel>}),
   * {@code [usr/]lib/modules/<rel>/vmlinuz} (and {@code zImage}, {@code image}, {@code vmlinux},
   * SUSE's {@code vmlinux.xz}, Fedora's UKI {@code vmlinuz-virt.efi}), UKIs in {@code EFI/Linux/},
   * {@code vmlinux-<rel>} and {@code vmlinux} anywhere (debug packages), {@code Image},
   * {@code Image.gz}, and raw BTF files {@code *.btf}.
   */
  public static boolean isKernelImage(String path) {
    String name = fileName(path);
    String dir = path.length() > name.length() ? path.substring(0, path.length() - name.length() - 1) : "";
    if (name.equals("vmlinux") || name.equals("Image") || name.equals("Image.gz")) {
      return true;
    }
    if (name.startsWith("vmlinux-") && name.length() > "vmlinux-".length()) {
      return true;
    }
    if (hasBootImagePrefix(name) && (dir.equals("boot") || dir.endsWith("/boot")
        || dir.isEmpty() && !name.startsWith("image-"))) {
      // also at the top of a tree or tarball: a directory of kernel files, a tarball of /boot
      // (not SUSE's "image-", a name too common outside /boot to mean a kernel there)
      return !name.endsWith(".hmac") && !name.endsWith(".sig");
    }
    if (MODULES_DIR_IMAGE.matcher(path).find() || UKI_DIR.matcher(path).find()) {
      return true;
    }
    // Raw BTF, also as shipped compressed (BTFHub's .btf.xz, our fixtures): the reader decides by magic.
    for (String suffix : new String[] {".btf", ".btf.xz", ".btf.zst", ".btf.gz"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The entry path of a kernel file named as an input on its own, from its whole {@code path}
   * (no leading '/'), or null when the path names no kernel file: from {@code lib/modules/} on
   * when the path goes through a module directory (so the release is the one it is installed
   * under), else the shortest tail of the path that {@link #classify} calls a module or an image
   * ({@code af_key.ko}, {@code boot/vmlinuz-6.1.0-13-amd64}): what the file would be called inside
   * a package, without the directories above it, which say nothing of the kernel.
   */
  public static String loneEntryPath(String path) {
    Matcher m = MODULES_DIR.matcher(path);
    if (m.find()) {
      String fromModules = path.substring(path.indexOf("lib/modules/", m.start()));
      if (classify(fromModules) != KernelFileKind.OTHER) {
        return fromModules;
      }
    }
    for (int from = path.length(); from > 0; ) {
      from = path.lastIndexOf('/', from - 1) + 1; // the start of one more segment
      String tail = path.substring(from);
      if (classify(tail) != KernelFileKind.OTHER) {
        return tail;
      }
      from--; // before that segment's '/', or -1 when the whole path was tried
    }
    return null;
  }

  private static boolean hasBootImagePrefix(String name) {
    for (String prefix : BOOT_IMAGE_PREFIXES) {
      if (name.startsWith(prefix) && name.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The kernel release a path names: the directory after {@code lib/modules/}, else the suffix of
   * a versioned image name ({@code vmlinuz-<rel>}), else the stem of {@code <rel>.btf}; null when
   * the path says nothing.
   */
  public static String releaseFromPath(String path) {
    Matcher m = MODULES_DIR.matcher(path);
    if (m.find()) {
      return m.group(1);
    }
    String name = fileName(path);
    Matcher v = VERSIONED_IMAGE.matcher(name);
    if (v.matches()) {
      String release = v.group(1);
      // vmlinux-<rel>.btf is raw BTF and vmlinuz-<rel>.gz a compressed image: neither suffix
      // is part of the release.
      for (String suffix : new String[] {".gz", ".xz", ".zst", ".lz4", ".bz2", ".btf"}) {
        if (release.endsWith(suffix)) {
          release = release.substring(0, release.length() - suffix.length());
        }
      }
      return release.isEmpty() ? null : release;
    }
    Matcher b = RELEASE_BTF.matcher(name);
    if (b.matches()) {
      return b.group(1);
    }
    return null;
  }

  /**
   * The module name the kernel uses: file name without {@code .ko[.ext]}, '-' replaced by '_'
   * (as kmod/modprobe normalise); null when the path is not a module.
   */
  public static String moduleName(String path) {
    String name = fileName(path);
    String suffix = moduleSuffix(name);
    if (suffix == null) {
      return null;
    }
    return name.substring(0, name.length() - suffix.length()).replace('-', '_');
  }

  private static String moduleSuffix(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String suffix : MODULE_SUFFIXES) {
      if (lower.endsWith(suffix) && name.length() > suffix.length()) {
        return suffix;
      }
    }
    return null;
  }

  private static String fileName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
