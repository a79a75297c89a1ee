# Shared by the real-cluster tests (sourced, with TEST naming the test and PROFILE the runner's
# Maven profile): the inputs (the bundled fixtures unless given), the runner's jar built, a work
# directory removed at exit, the cluster's daemons stopped at exit, their logs shown when the test
# fails, and the comparison of the runner's outputs with the DirectRunner's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/btfscan-$TEST.XXXXXX")
daemons=()

cleanup() {
  local rc=$?
  for p in "${daemons[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${daemons[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    echo "$TEST: FAILED (rc $rc); logs:" >&2
    # the daemons' logs, and the executors' (Spark's Worker keeps each one's stderr in its work dir)
    for f in "$work"/*.log $(find "$work" -name stderr 2>/dev/null); do
      echo "--- $f (last 40 lines)" >&2
      tail -40 "$f" >&2
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Sourced without arguments, this sees and sets the test's own.
if [ $# -eq 0 ]; then
  set -- "$ROOT/fixtures/data/packages" "$ROOT/fixtures/data/trees" "$ROOT/fixtures/data/kernels"
fi
RUNNER_JAR="$ROOT/pipeline/target/btf-scan-$PROFILE.jar"
mvn -B -q -P"$PROFILE" -pl pipeline -am -DskipTests package

# http_get URL: the body (python3: no curl needed).
http_get() {
  python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_daemon LOG COMMAND...: runs a cluster daemon in the background, stopped at exit.
start_daemon() {
  local log=$1
  shift
  "$@" > "$log" 2>&1 &
  daemons+=($!)
}

# wait_for WHAT COMMAND...: until COMMAND succeeds, at most 120 s, failing early if a daemon died.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 120); do
    if "$@"; then
      return 0
    fi
    for p in "${daemons[@]}"; do
      kill -0 "$p" 2>/dev/null || { echo "$TEST: a cluster daemon exited before $what" >&2; return 1; }
    done
    sleep 1
  done
  echo "$TEST: no $what after 120 s" >&2
  return 1
}

# same_as_direct OUT INPUT...: scans INPUT with `run.sh scan` (btf-scan.jar on the DirectRunner,
# built when stale) and diffs every file with OUT's; prints how many files were compared.
same_as_direct() {
  local out=$1
  shift
  "$ROOT/run.sh" scan --quiet --output "$work/direct-out" "$@" > "$work/direct.log" 2>&1
  if [ ! -s "$work/direct-out/modules.jsonl" ]; then # an empty scan on both sides would prove nothing
    echo "$TEST: the reference scan reported no module" >&2
    return 1
  fi
  if ! diff -r "$work/direct-out" "$out" > "$work/diff.txt"; then
    echo "$TEST: outputs differ from the DirectRunner's:" >&2
    head -40 "$work/diff.txt" >&2
    return 1
  fi
  (cd "$work/direct-out" && find . -type f | wc -l)
}
