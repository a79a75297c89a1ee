package dev.btfscan.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package's modules are judged in the reader only when the package alone decides them: as soon
 * as their vmlinux's BTF is out (extracted off the reader's thread), at the package's end when read
 * before it; everything else is passed on, unchanged and exactly once.
 */
class JudgeWhileReadingTest {
  private static final String R53 = "6.1.0-53-cloud-amd64";
  private static final String R47 = "6.1.0-47-cloud-amd64";

  @TempDir Path out;
  private long entry;

  /** What a session sent where: "modules <path> <verdict>" lines and passed-on paths. */
  private static final class Recorder implements LocalAnalysis.Output {
    final List<String> lines = new ArrayList<>();
    final List<String> passed = new ArrayList<>();

    @Override
    public void line(String report, String line) {
      var row = Json.parse(line);
      lines.add(report + " " + row.path("path").asText() + " " + row.path("verdict").asText());
    }

    @Override
    public void passOn(KernelFile module) {
      passed.add(module.path());
    }
  }

  /** Extractions run on the caller's thread when submitted: each image's BTF is out at once. */
  private static final ExecutorService AT_ONCE = new AbstractExecutorService() {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  };

  /**
   * Extractions that have not finished until the session waits for them: a task runs only when
   * its result is asked for, on the asking thread (an image still being extracted, made
   * deterministic).
   */
  private static final ExecutorService WHEN_AWAITED = new AbstractExecutorService() {
    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> task) {
      return new FutureTask<>(task) {
        @Override
        public T get() throws InterruptedException, ExecutionException {
          run(); // a no-op once it has run
          return super.get();
        }
      };
    }

    @Override
    public void execute(Runnable task) {} // nothing runs it but get()

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  };

  private LocalAnalysis.Session session(long heldBytes) {
    return session(heldBytes, AT_ONCE);
  }

  private LocalAnalysis.Session session(long heldBytes, ExecutorService extractor) {
    return new JudgeWhileReading(Normalization.DEDUP, true, new BlobWriter(out.toString()), heldBytes, extractor)
        .open("p.tar");
  }

  private KernelFile file(KernelFileKind kind, String release, String path, byte[] bytes) {
    return new KernelFile("p.tar", path, path, kind, release, null, bytes.length, false, bytes, List.of(), entry++);
  }

  private KernelFile vmlinux53() throws IOException {
    return file(KernelFileKind.KERNEL_IMAGE, R53, "boot/vmlinux-" + R53 + ".btf.xz",
        Fixtures.bytes("kernels/" + R53 + ".btf.xz"));
  }

  private KernelFile module(String release, String name, String fixture) throws IOException {
    return file(KernelFileKind.MODULE, release, "lib/modules/" + release + "/kernel/" + name, Fixtures.bytes(fixture));
  }

  @Test
  void aModuleAfterItsVmlinuxIsJudgedAtOnce() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok"), r.lines);
    s.finish(r);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void aModuleReadWhileItsVmlinuxIsExtractedIsJudgedOnceTheBtfIsOut() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, WHEN_AWAITED);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    assertEquals(List.of(), r.lines, "held: the image's BTF is not out yet");
    assertEquals(List.of(), r.passed, "held, not passed on: the image being extracted is its release's");
    s.finish(r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok"), r.lines);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void beyondTheBoundWhileTheVmlinuxIsExtractedTheReaderWaitsForItRatherThanPassModulesOn() throws IOException {
    KernelFile a = module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko");
    KernelFile b = module(R53, "zsmalloc.ko", "modules/" + R53 + "/zsmalloc.ko");
    LocalAnalysis.Session s = session(a.bytes().length + b.bytes().length - 1, WHEN_AWAITED);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(a, r);
    assertEquals(List.of(), r.lines);
    s.module(b, r);
    assertEquals(List.of("modules " + a.path() + " ok", "modules " + b.path() + " ok"), r.lines,
        "both judged, in archive order, against the image it waited for");
    s.finish(r);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void imagesAreExtractedOneAtATimeInArchiveOrder() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, WHEN_AWAITED);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.kernelImage(file(KernelFileKind.KERNEL_IMAGE, R47, "boot/vmlinux-" + R47 + ".btf.xz",
        Fixtures.bytes("kernels/" + R47 + ".btf.xz")));
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok"), r.lines,
        "the 53 image's BTF was out before the 47 image's extraction began");
    s.module(module(R47, "af_key.ko", "modules/" + R47 + "/af_key.ko"), r);
    s.finish(r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok",
        "modules lib/modules/" + R47 + "/kernel/af_key.ko ok"), r.lines);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void aModuleBuiltOnAnotherVmlinuxIsPassedOnAtOnce() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key_from_47.ko", "modules/" + R47 + "/af_key.ko"), r);
    // attributed and rebased across every scanned kernel: only the pipeline's way has them
    assertEquals(List.of("lib/modules/" + R53 + "/kernel/af_key_from_47.ko"), r.passed);
    s.finish(r);
    assertEquals(List.of(), r.lines);
    assertEquals(1, r.passed.size(), "passed on exactly once");
  }

  @Test
  void aModuleReadBeforeItsVmlinuxIsJudgedWhenThePackageEnds() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES);
    Recorder r = new Recorder();
    s.module(module(R53, "zsmalloc.ko", "modules/" + R53 + "/zsmalloc.ko"), r);
    assertEquals(List.of(), r.lines);
    assertEquals(List.of(), r.passed);
    s.kernelImage(vmlinux53());
    s.finish(r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/zsmalloc.ko ok"), r.lines);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void aModuleOfAReleaseThePackageHasNoVmlinuxForIsPassedOnAtTheEnd() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R47, "af_key.ko", "modules/" + R47 + "/af_key.ko"), r);
    assertEquals(List.of(), r.passed, "held: the vmlinux of 6.1.0-47 may come later in the package");
    s.finish(r);
    assertEquals(List.of("lib/modules/" + R47 + "/kernel/af_key.ko"), r.passed);
    assertEquals(List.of(), r.lines);
  }

  @Test
  void heldModulesBeyondTheBoundGoOnOldestFirst() throws IOException {
    KernelFile a = module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko");
    KernelFile b = module(R53, "zsmalloc.ko", "modules/" + R53 + "/zsmalloc.ko");
    LocalAnalysis.Session s = session(a.bytes().length + b.bytes().length - 1);
    Recorder r = new Recorder();
    s.module(a, r);
    assertEquals(List.of(), r.passed);
    s.module(b, r);
    assertEquals(List.of(a.path()), r.passed, "over the bound: the oldest leaves");
    s.finish(r); // no vmlinux in this package
    assertEquals(List.of(a.path(), b.path()), r.passed);
    assertEquals(List.of(), r.lines);
  }
}
