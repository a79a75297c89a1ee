package dev.btfscan.transforms;

import dev.btfscan.analysis.Normalization;
import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.io.KernelFile;
import dev.btfscan.io.LocalAnalysis;
import dev.btfscan.io.compress.DecompressionCaps;
import dev.btfscan.io.pkg.KernelFileKind;
import dev.btfscan.report.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package's modules are judged in the reader only when the package alone decides them: at once
 * after their vmlinux, at the package's end when read before it; everything else is passed on,
 * unchanged and exactly once.
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

  /** Runs each task on {@code pool} once {@code go} opens. */
  private static Executor gated(ExecutorService pool, CountDownLatch go) {
    return task -> pool.execute(() -> {
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    });
  }

  /** Kernel images extracted on the spot: each is taken at the next module. */
  private LocalAnalysis.Session session(long heldBytes) {
    return session(heldBytes, Runnable::run);
  }

  private LocalAnalysis.Session session(long heldBytes, Executor extractor) {
    return session(heldBytes, extractor, Runnable::run);
  }

  private LocalAnalysis.Session session(long heldBytes, Executor extractor, Executor judges) {
    return new JudgeWhileReading(Normalization.DEDUP, true, DecompressionCaps.DEFAULT, new BlobWriter(out.toString()),
        heldBytes, extractor, judges).open("p.tar");
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

  @Test
  void aModuleReadWhileItsVmlinuxIsExtractedIsHeldThenJudgedAtTheNextModuleAfterTheExtraction() throws IOException {
    List<Runnable> extractions = new ArrayList<>();
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, extractions::add);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    assertEquals(List.of(), r.lines, "held: its vmlinux is still being extracted");
    assertEquals(List.of(), r.passed);
    extractions.forEach(Runnable::run);
    s.module(module(R53, "zsmalloc.ko", "modules/" + R53 + "/zsmalloc.ko"), r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok",
        "modules lib/modules/" + R53 + "/kernel/zsmalloc.ko ok"), r.lines);
    s.finish(r);
    assertEquals(List.of(), r.passed);
  }

  @Test
  void thePackagesEndWaitsForTheExtractionsStillRunning() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, gated(pool, go));
      Recorder r = new Recorder();
      s.kernelImage(vmlinux53());
      s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
      assertEquals(List.of(), r.lines);
      go.countDown();
      s.finish(r);
      assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok"), r.lines,
          "judged against the vmlinux whose extraction the end waited for, not passed on");
      assertEquals(List.of(), r.passed);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theFirstImageOfAReleaseInArchiveOrderIsTheBase() throws IOException {
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES);
    Recorder r = new Recorder();
    // the 47 vmlinux named as 53's comes first: 53's modules are then judged against it
    s.kernelImage(file(KernelFileKind.KERNEL_IMAGE, R53, "boot/vmlinux-" + R53 + ".btf.xz",
        Fixtures.bytes("kernels/" + R47 + ".btf.xz")));
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    s.finish(r);
    assertEquals(List.of(), r.lines, "not judged against the second image, on which it would be ok");
    assertEquals(List.of("lib/modules/" + R53 + "/kernel/af_key.ko"), r.passed,
        "built on another vmlinux than the first image: the pipeline's way");
  }

  @Test
  void aSecondImageWaitsForTheFirstOnesExtraction() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, gated(pool, go));
      s.kernelImage(vmlinux53());
      KernelFile second = vmlinux53();
      Thread reader = new Thread(() -> s.kernelImage(second));
      reader.start();
      reader.join(300);
      assertTrue(reader.isAlive(), "one image of a package is extracted at a time: the second waits");
      go.countDown();
      reader.join(10_000);
      assertFalse(reader.isAlive());
      Recorder r = new Recorder();
      s.finish(r);
      assertEquals(List.of(), r.passed);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void judgementsMadeElsewhereAreSentInArchiveOrderAtTheNextModuleAndAtTheEnd() throws IOException {
    List<Runnable> judgements = new ArrayList<>();
    LocalAnalysis.Session s = session(JudgeWhileReading.HELD_BYTES, Runnable::run, judgements::add);
    Recorder r = new Recorder();
    s.kernelImage(vmlinux53());
    s.module(module(R53, "af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    s.module(module(R53, "zsmalloc.ko", "modules/" + R53 + "/zsmalloc.ko"), r);
    s.module(module(R53, "af_key_from_47.ko", "modules/" + R47 + "/af_key.ko"), r);
    assertEquals(List.of(), r.lines, "nothing judged yet");
    judgements.get(1).run(); // zsmalloc ends first: it waits for af_key, which came before it
    s.module(module(R53, "more/af_key.ko", "modules/" + R53 + "/af_key.ko"), r);
    assertEquals(List.of(), r.lines);
    judgements.get(0).run();
    judgements.get(2).run();
    judgements.get(3).run();
    s.finish(r);
    assertEquals(List.of("modules lib/modules/" + R53 + "/kernel/af_key.ko ok",
        "modules lib/modules/" + R53 + "/kernel/zsmalloc.ko ok",
        "modules lib/modules/" + R53 + "/kernel/more/af_key.ko ok"), r.lines);
    assertEquals(List.of("lib/modules/" + R53 + "/kernel/af_key_from_47.ko"), r.passed,
        "passed on once its judgement showed it needs every scanned kernel");
  }
}
