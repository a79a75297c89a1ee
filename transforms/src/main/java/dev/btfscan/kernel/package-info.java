/**
 * Taking the vmlinux BTF out of kernel image files: {@link dev.btfscan.kernel.KernelImage#read}
 * recognises x86 bzImage, EFI zboot, raw arm64/riscv Image, vmlinux ELF, raw BTF and whole-file
 * compressed variants by content, decompresses within
 * {@link dev.btfscan.io.compress.DecompressionLimits}, and reports anything it cannot read as a
 * {@link dev.btfscan.kernel.KernelImageException} with the reason. One class per format header
 * ({@code BzImage}, {@code EfiZboot}, {@code RawImageHeader}); {@code BtfLocator} searches images
 * without a section table; {@code LinuxBanner} finds the release.
 */
package dev.btfscan.kernel;
