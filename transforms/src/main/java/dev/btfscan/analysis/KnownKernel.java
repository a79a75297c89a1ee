package dev.btfscan.analysis;

import java.io.Serializable;

/**
 * The fingerprint of one scanned vmlinux, for attributing a split module to the build it came
 * from: the pair (type count, string length) that a split module's references reveal.
 */
public record KnownKernel(String release, String source, long types, long strings)
    implements Serializable {}
