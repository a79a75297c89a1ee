package dev.btfscan.analysis;

/**
 * The base a split module was built against, as far as its bytes and the scanned kernels tell.
 *
 * @param strings base string length, -1 when the module has no own strings to tell
 * @param types base type count when a scanned kernel matches, else -1
 * @param typesAtLeast lower bound on the base type count from the ids the module references
 * @param release the scanned kernel it matches, or {@code null} when none does
 * @param evidence how the figures were reached
 */
public record BuiltAgainst(long strings, long types, long typesAtLeast, String release, String source, String evidence) {}
