package dev.btfscan.btf;

import dev.btfscan.btf.BtfProblem.Stage;

/**
 * The search for reference cycles and deep by-value nesting over the by-value edges between own
 * types, which the meta pass collects (in {@link TypeRefs}' slot order) while it checks them.
 */
final class CycleSearch {
  /** A colour: a white type of a {@link KindCodes#LEAF_KIND}, set by the meta pass. */
  static final byte LEAF = 3;
  /**
   * A colour: a white type with a by-value edge to itself or a later type, set by the meta pass.
   * Only these start a search: a type whose edges all lead to earlier types finds them done.
   */
  static final byte FORWARD = 4;
  private static final byte ON_STACK = 1;
  private static final byte DONE = 2;

  private final TypeTable types;
  private final ProblemLog log;
  private final int start;
  private final int end;
  /** By-value edges between own types, by {@code id - start} (CSR). */
  private final int[] edgeStart;
  private final int[] edges;
  /** The colours, by {@code id - start}: LEAF set by the meta pass, 0 for the others. */
  private final byte[] color;

  CycleSearch(TypeTable types, ProblemLog log, int[] edgeStart, int[] edges, byte[] color) {
    this.types = types;
    this.log = log;
    this.start = types.start;
    this.end = types.end;
    this.edgeStart = edgeStart;
    this.edges = edges;
    this.color = color;
  }

  /**
   * Reference cycles that do not pass through a PTR or a FUNC_PROTO (a typedef loop, a struct
   * containing itself by value): the kernel's "Loop detected". An iterative depth-first search with
   * colors over the own types' by-value edges, taken from {@link TypeRefs}; base types cannot
   * refer back to a split blob, so edges into the base end there.
   */
  void run() {
    int n = end - start;
    int[] edgeStart = this.edgeStart;
    int[] edges = this.edges;
    // 0 white, ON_STACK, DONE, LEAF and FORWARD white (by kind, by edge). Every type before the
    // root is done, whatever its colour says: the search from each root in id order finishes
    // what it reaches, and a root with no edge forward reaches only done types. So roots without
    // one are skipped, and colours are read only for types at or after the root.
    byte[] color = this.color;
    // The stack and, per entry, the next edge of its type to follow: as deep as the search goes
    // (a few dozen on real BTF), grown on demand rather than two arrays of the type count zeroed
    // per run.
    int[] stack = new int[64];
    int[] next = new int[64];
    for (int root = 0; root < n; root++) {
      if (color[root] != FORWARD) { // done, or white with its edges all to earlier types
        continue;
      }
      // A root whose edges all end at edgeless or finished types (a FUNC and its prototype, most
      // structs): the search below would push it, colour its LEAF targets done at depth 2 (no
      // report) and pop it. Done here without the stack.
      int e = edgeStart[root];
      int eEnd = edgeStart[root + 1];
      while (e < eEnd && (edges[e] < root || color[edges[e]] == DONE || color[edges[e]] == LEAF)) {
        e++;
      }
      if (e == eEnd) {
        for (int f = edgeStart[root]; f < eEnd; f++) {
          if (edges[f] > root) {
            color[edges[f]] = DONE;
          }
        }
        color[root] = DONE;
        continue;
      }
      boolean deepReported = false;
      stack[0] = root;
      next[0] = edgeStart[root];
      int sp = 1;
      color[root] = ON_STACK;
      while (sp > 0) {
        int u = stack[sp - 1];
        if (next[sp - 1] < edgeStart[u + 1]) {
          int v = edges[next[sp - 1]++];
          byte cv = v < root ? DONE : color[v];
          if (cv == LEAF && sp < BtfValidator.MAX_CHAIN) {
            color[v] = DONE; // no edges: pushed and popped at once, not deep enough to report
          } else if (cv == 0 || cv >= LEAF) { // white (a node of a LEAF kind is pushed here too)
            color[v] = ON_STACK;
            if (sp == stack.length) {
              stack = java.util.Arrays.copyOf(stack, sp * 2);
              next = java.util.Arrays.copyOf(next, sp * 2);
            }
            next[sp] = edgeStart[v];
            stack[sp++] = v;
            if (sp > BtfValidator.MAX_CHAIN && !deepReported) {
              deepReported = true;
              reportDepth(stack, sp);
            }
          } else if (cv == ON_STACK) {
            reportCycle(stack, sp, v);
          }
        } else {
          color[u] = DONE;
          sp--;
        }
      }
    }
  }

  /**
   * The kernel resolves types in id order, pushing each not yet resolved by-value referent on a
   * stack of at most 32 (MAX_RESOLVE_DEPTH); this search visits them in the same order, so its
   * stack depth is the kernel's, up to the pointer subtleties of its resolve modes: a warning.
   */
  private void reportDepth(int[] stack, int sp) {
    int max = BtfValidator.MAX_CHAIN;
    log.warning(Stage.RESOLVE, stack[0] + start, -1, -1, "Exceeded max resolving depth:" + max
        + " (likely): resolving it nests more than " + max + " unresolved types by value: "
        + types.describe(stack[0] + start) + " -> " + types.describe(stack[1] + start) + " -> ... -> "
        + types.describe(stack[sp - 1] + start));
  }

  private void reportCycle(int[] stack, int sp, int v) {
    int from = sp - 1;
    while (from > 0 && stack[from] != v) {
      from--;
    }
    StringBuilder path = new StringBuilder();
    int len = sp - from;
    for (int j = from; j < sp; j++) {
      if (j - from == 8 && len > 10) {
        path.append("... (").append(len - 9).append(" more) -> ");
        j = sp - 1;
      }
      path.append(types.describe(stack[j] + start)).append(" -> ");
    }
    path.append('[').append(v + start).append(']');
    log.error(Stage.RESOLVE, v + start, -1, -1, "Loop detected: reference cycle of " + len
        + " type" + (len == 1 ? "" : "s") + " not broken by a pointer: " + path);
  }
}
