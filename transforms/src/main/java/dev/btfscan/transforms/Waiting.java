package dev.btfscan.transforms;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting on the reader's thread for work another thread does on its behalf (a kernel image's
 * extraction, a module's judgement). That work is bounded by its own limits (decompression caps,
 * the native tool's watchdog), so an interrupt does not abandon it: the wait goes on and the
 * interrupt is kept for the caller, who sees it once the result is in.
 */
final class Waiting {
  private Waiting() {}

  /** {@code work}'s result; its failure as {@link ExecutionException}, as {@link Future#get} gives it. */
  static <T> T forResult(Future<T> work) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return work.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
