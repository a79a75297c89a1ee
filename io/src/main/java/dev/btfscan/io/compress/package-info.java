/**
 * Compression detection by magic bytes and bounded decoders. Everything a package contains is
 * untrusted: decoders are capped by {@link dev.btfscan.io.compress.DecompressionLimits}, and
 * malformed input surfaces as {@link java.io.IOException}, never as an unchecked exception.
 */
package dev.btfscan.io.compress;
