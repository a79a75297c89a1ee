#!/usr/bin/env bash
# Submits the scan with spark-submit to a real Spark 3.2 standalone cluster, the way README
# "Running on a cluster" says, and checks that every output file is byte-identical to the
# DirectRunner's.
#
# The cluster runs on this machine but is a real one: a standalone Master and a Worker in JVMs of
# their own, the Worker launching executor JVMs, all on a Spark installation's jars only
# (pipeline/cluster/spark/pom.xml: no Beam, no btf-scan). The scan goes through SparkSubmit (what
# bin/spark-submit runs) in client mode: the driver ships btf-scan-spark.jar to the executors.
#
#   pipeline/cluster/spark-standalone-test.sh [INPUT...]    (default: the bundled fixtures)
# Builds this tree's btf-scan.jar and btf-scan-spark.jar first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/btfscan-spark-standalone.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    echo "spark-standalone-test: FAILED (rc $rc); logs:" >&2
    for f in "$work"/*.log $(find "$work/worker" -name stderr 2>/dev/null); do
      echo "--- $f (last 40 lines)" >&2; tail -40 "$f" >&2
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ $# -eq 0 ]; then
  set -- "$ROOT/fixtures/data/packages" "$ROOT/fixtures/data/trees" "$ROOT/fixtures/data/kernels"
fi
# This tree's jars: the application's (Spark) and the reference's (DirectRunner).
mvn -B -q -DskipTests package
mvn -B -q -Pspark -pl pipeline -am -DskipTests package

# A Spark installation: SPARK_HOME/jars is what the Worker puts on its executors' classpath.
export SPARK_HOME="$work/spark" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
mvn -B -q -f pipeline/cluster/spark/pom.xml dependency:copy-dependencies -DoutputDirectory="$SPARK_HOME/jars" >&2
mkdir -p "$SPARK_HOME/conf" "$work/worker"
CP="$SPARK_HOME/conf:$SPARK_HOME/jars/*"

get() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MASTER=$(free_port); MASTER_UI=$(free_port); WORKER=$(free_port); WORKER_UI=$(free_port)

# Spark 3.2 on Java 17: the opens its launcher scripts leave to the user (README).
OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
OPENS_ONE_LINE=$(echo $OPENS)

# shellcheck disable=SC2086
java $OPENS -Xmx512m -cp "$CP" org.apache.spark.deploy.master.Master \
  --host localhost --port "$MASTER" --webui-port "$MASTER_UI" > "$work/master.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
java $OPENS -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker \
  --host localhost --port "$WORKER" --webui-port "$WORKER_UI" --cores 2 --memory 2g --work-dir "$work/worker" \
  "spark://localhost:$MASTER" > "$work/worker.log" 2>&1 &
pids+=($!)

alive() { get "http://localhost:$MASTER_UI/json/" 2>/dev/null \
  | python3 -c 'import json, sys; print(json.load(sys.stdin).get("aliveworkers", 0))' 2>/dev/null || echo 0; }
for _ in $(seq 1 120); do
  [ "$(alive)" = 1 ] && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { echo "a cluster JVM exited" >&2; exit 1; }; done
  sleep 1
done
[ "$(alive)" = 1 ] || { echo "cluster not up after 120 s" >&2; exit 1; }
echo "spark-standalone-test: standalone cluster up (spark://localhost:$MASTER, 1 Worker, 2 cores)"

# spark-submit, client mode (the driver renames OUT at the end), as README shows it.
# shellcheck disable=SC2086
java $OPENS -Xmx1g -cp "$CP" org.apache.spark.deploy.SparkSubmit \
  --class dev.btfscan.pipeline.Main --master "spark://localhost:$MASTER" --deploy-mode client \
  --conf "spark.executor.extraJavaOptions=$OPENS_ONE_LINE" --conf spark.executor.memory=1g \
  --conf spark.ui.enabled=false \
  pipeline/target/btf-scan-spark.jar scan --quiet --output "$work/spark-out" "$@" --runner=SparkRunner \
  > "$work/submit.log" 2>&1 || { echo "the submitted scan failed:" >&2; tail -60 "$work/submit.log" >&2; exit 1; }
apps=$(get "http://localhost:$MASTER_UI/json/")
echo "$apps" | python3 -c '
import json, sys
d = json.load(sys.stdin)
done = [a for a in d.get("completedapps", []) if a.get("state") == "FINISHED"]
sys.exit(0 if done else "no finished application on the cluster")'

J="java --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
$J -jar pipeline/target/btf-scan.jar scan --quiet --output "$work/direct-out" "$@" > "$work/direct.log" 2>&1

files=$(cd "$work/direct-out" && find . -type f | wc -l)
if ! diff -r "$work/direct-out" "$work/spark-out" > "$work/diff.txt"; then
  echo "spark-standalone-test: outputs differ from the DirectRunner's:" >&2
  head -40 "$work/diff.txt" >&2
  exit 1
fi
executors=$(find "$work/worker" -mindepth 2 -maxdepth 2 -type d | wc -l)
echo "spark-standalone-test: ok: the application ran on the standalone cluster ($executors executor(s));" \
  "all $files output files byte-identical to the DirectRunner's"
