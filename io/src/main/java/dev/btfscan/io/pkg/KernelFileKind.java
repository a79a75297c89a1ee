package dev.btfscan.io.pkg;

/** What a package entry is to btf-scan. */
public enum KernelFileKind {
  /** A loadable kernel module, possibly compressed ({@code .ko}, {@code .ko.xz}, ...). */
  MODULE,
  /** Something that may hold vmlinux BTF: vmlinuz/vmlinux/Image or a raw {@code .btf} blob. */
  KERNEL_IMAGE,
  /** Anything else. */
  OTHER
}
