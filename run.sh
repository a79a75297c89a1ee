#!/usr/bin/env bash
# btf-scan: the single entry point.
#
#   ./run.sh                       scan the bundled fixtures into ./out and print the summary
#   ./run.sh scan --output OUT INPUT...   scan kernel packages (see ./run.sh scan --help)
#   ./run.sh dump FILE [--base FILE]      bpftool-style raw dump of any module/image/ELF/raw BTF
#   ./run.sh test [--quick]        install what the tests need, run every test suite, then fuzz each target briefly
#   ./run.sh bench                 whole-run benchmark against the decompression floor and bpftool
#
# The jar is (re)built when it is missing or older than any source or pom.
set -euo pipefail
# Relative INPUTs and OUT are the caller's: the commands below run from the directory run.sh was
# called in, the build from the repository.
CALLER=$(pwd)
cd "$(dirname "$0")"
ROOT=$(pwd)
JAR="$ROOT/pipeline/target/btf-scan.jar"

need_build() {
  [ -f "$JAR" ] || return 0
  [ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$JAR" -print -quit)" ]
}

build() {
  if need_build; then
    echo "btf-scan: building the jar (mvn -q -B -DskipTests package)" >&2
    mvn -q -B -DskipTests package >&2
  fi
}

# Beam's workers and Spark need these opens on Java 17; harmless elsewhere. The heap: a scan keeps
# what the packages being read at once hold in flight (xz blocks, one vmlinux, the modules of a
# package that lists them before its vmlinux), not what the whole input holds: at most ~440 MB after
# a GC with two 68 MB Debian packages read at once, one per core. So 200 MB plus 220 MB per core
# (640 MB on 2 cores); the DirectRunner reads no more packages at once than the heap allows. Modules
# that wait for another package's vmlinux wait on disk, so the heap does not grow with them.
# -XX:TieredStopAtLevel=1: the C1 compiler only. C2 spent 4 s of CPU compiling during a 4023-module
# scan (14 s of CPU in all) and did not pay that back even over five packages (20,115 modules: 28 s
# of user CPU with C1 only, 35 s with C2); for much longer runs, drop it through JAVA_OPTS.
HEAP_MB=$((200 + 220 * $(nproc 2>/dev/null || echo 2)))
JAVA_OPTS=${JAVA_OPTS:-"-Xmx${HEAP_MB}m -XX:TieredStopAtLevel=1 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"}

# Class data sharing: an archive of the classes a scan loads (Beam, Jackson, ...) takes ~0.4 s off
# every start. Made once per jar, by a scan of one fixture package; dropped if that fails.
CDS="$ROOT/pipeline/target/btf-scan.jsa"
with_cds() {
  if [ ! -f "$CDS" ] || [ "$JAR" -nt "$CDS" ]; then
    rm -f "$CDS"
    local scratch
    scratch=$(mktemp -d)
    # shellcheck disable=SC2086
    java -XX:ArchiveClassesAtExit="$CDS" $JAVA_OPTS -jar "$JAR" scan --quiet --output "$scratch/out" \
      "$ROOT/fixtures/data/packages/deb" >/dev/null 2>&1 || rm -f "$CDS"
    rm -rf "$scratch"
  fi
  if [ -f "$CDS" ]; then
    JAVA_OPTS="-XX:SharedArchiveFile=$CDS -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off $JAVA_OPTS"
  fi
}

# File names: Java decodes them with the locale's charset, fixed at start-up. Under a C or POSIX
# locale (cron, systemd units, `env -i`, minimal containers) that is ASCII, and a package or module
# with any non-ASCII byte in its name could not be opened (it is reported, never read). So the JVM
# gets a UTF-8 locale when the caller's is not one and C.UTF-8 exists (glibc 2.35+, Debian, Fedora).
case "$(locale charmap 2>/dev/null || true)" in
  UTF-8) ;;
  *) if grep -qix 'c\.utf-\?8' <<<"$(locale -a 2>/dev/null || true)"; then export LC_ALL=C.UTF-8; fi ;;
esac

# Extra JVM options on top of the defaults (the bench logs GC with them).
JAVA_OPTS="$JAVA_OPTS ${JAVA_EXTRA_OPTS:-}"

cmd=${1:-}
case "$cmd" in
  "")
    build
    with_cds
    rm -rf "$ROOT/out"
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS -jar "$JAR" scan --output "$ROOT/out" "$ROOT/fixtures/data/packages" "$ROOT/fixtures/data/trees" "$ROOT/fixtures/data/kernels"
    ;;
  test)
    shift
    "$ROOT/fixtures/scripts/install-tools.sh" --tests
    if [ "${1:-}" = "--quick" ]; then
      exec mvn -B test
    fi
    "$ROOT/fixtures/scripts/fetch-debian.sh" --arm64 --zimage --trixie --testing
    # Cross-runner: the fixture scan on FlinkRunner ([local]) and SparkRunner (local[2]) must write
    # the DirectRunner's bytes. One Maven execution per runner: their kryo versions clash.
    mvn -B -Pflink -pl pipeline -am test -Dtest=CrossRunnerScanTest -Dsurefire.failIfNoSpecifiedTests=false
    mvn -B -Pspark -pl pipeline -am test -Dtest=CrossRunnerScanTest -Dsurefire.failIfNoSpecifiedTests=false
    # The documented cluster submissions, against real clusters started here (a Flink session
    # cluster; a Spark standalone Master and Worker, through spark-submit): the same bytes again.
    "$ROOT/pipeline/cluster/flink-session-test.sh"
    "$ROOT/pipeline/cluster/spark-standalone-test.sh"
    # A short real Jazzer run of every fuzz target (20 s each, profile `fuzz`).
    "$ROOT/fixtures/scripts/fuzz-all.sh"
    # Last, every suite: unit, pipeline, fuzz regression seeds, and the integration profile over
    # the real Debian packages.
    exec mvn -B verify -Pintegration
    ;;
  bench)
    shift
    "$ROOT/fixtures/scripts/install-tools.sh" --bench
    build
    exec "$ROOT/bench/run-bench.sh" "$@"
    ;;
  *)
    build
    with_cds
    cd "$CALLER"
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS -jar "$JAR" "$@"
    ;;
esac
