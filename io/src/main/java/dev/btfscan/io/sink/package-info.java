/**
 * Output side: a staged output directory renamed into place, deterministic single-file line
 * writers and safe blob names.
 */
package dev.btfscan.io.sink;
