/**
 * The Beam source {@link dev.btfscan.io.KernelPackageIO} and its elements
 * {@link dev.btfscan.io.KernelFile} and {@link dev.btfscan.io.PackageSummary}, each with a
 * deterministic coder.
 */
package dev.btfscan.io;
