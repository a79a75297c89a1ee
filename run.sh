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
cd "$(dirname "$0")"
ROOT=$(pwd)
JAR="$ROOT/pipeline/target/btf-scan.jar"

need_build() {
  [ -f "$JAR" ] || return 0
  [ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$JAR" -print -quit)" ]
}

build() {
  if need_build; then
    echo "btf-scan: building the jar (mvn -q -DskipTests install)" >&2
    mvn -q -B -DskipTests install >&2
  fi
}

# Beam's workers and Spark need these opens on Java 17; harmless elsewhere.
JAVA_OPTS=${JAVA_OPTS:-"-Xmx2g --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"}

cmd=${1:-}
case "$cmd" in
  "")
    build
    rm -rf "$ROOT/out"
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS -jar "$JAR" scan --output "$ROOT/out" "$ROOT/fixtures/data/packages" "$ROOT/fixtures/data/kernels"
    ;;
  test)
    shift
    "$ROOT/fixtures/scripts/install-tools.sh"
    if [ "${1:-}" = "--quick" ]; then
      exec mvn -B test
    fi
    "$ROOT/fixtures/scripts/fetch-debian.sh"
    mvn -B verify -Pintegration
    # then a short real Jazzer run of every fuzz target (20 s each, profile `fuzz`)
    exec "$ROOT/fixtures/scripts/fuzz-all.sh"
    ;;
  bench)
    shift
    build
    exec "$ROOT/bench/run-bench.sh" "$@"
    ;;
  *)
    build
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS -jar "$JAR" "$@"
    ;;
esac
