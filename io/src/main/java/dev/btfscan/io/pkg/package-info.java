/**
 * Streaming, one-pass package readers (rpm, deb, tar, directory trees), entry name sanitising and
 * kernel file classification. Plain library code, usable and tested without Beam.
 */
package dev.btfscan.io.pkg;
