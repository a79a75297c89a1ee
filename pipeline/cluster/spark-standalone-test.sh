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
# Builds this tree's btf-scan-spark.jar first (and btf-scan.jar, the reference, when stale).
TEST=spark-standalone-test
PROFILE=spark
source "$(dirname "$0")/common.sh"

# A Spark installation: SPARK_HOME/jars is what the Worker puts on its executors' classpath.
export SPARK_HOME="$work/spark" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
mvn -B -q -f pipeline/cluster/spark/pom.xml dependency:copy-dependencies -DoutputDirectory="$SPARK_HOME/jars" >&2
mkdir -p "$SPARK_HOME/conf" "$work/worker"
CP="$SPARK_HOME/conf:$SPARK_HOME/jars/*"

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
start_daemon "$work/master.log" java $OPENS -Xmx512m -cp "$CP" org.apache.spark.deploy.master.Master \
  --host localhost --port "$MASTER" --webui-port "$MASTER_UI"
# shellcheck disable=SC2086
start_daemon "$work/worker.log" java $OPENS -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker \
  --host localhost --port "$WORKER" --webui-port "$WORKER_UI" --cores 2 --memory 2g --work-dir "$work/worker" \
  "spark://localhost:$MASTER"

master_json() { http_get "http://localhost:$MASTER_UI/json/"; }
one_worker() { [ "$(master_json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin).get("aliveworkers", 0))' 2>/dev/null)" = 1 ]; }
wait_for "Worker registered with the Master" one_worker
echo "$TEST: standalone cluster up (spark://localhost:$MASTER, 1 Worker, 2 cores)"

# spark-submit, client mode (the driver renames OUT at the end), as README shows it.
# shellcheck disable=SC2086
java $OPENS -Xmx1g -cp "$CP" org.apache.spark.deploy.SparkSubmit \
  --class dev.btfscan.pipeline.Main --master "spark://localhost:$MASTER" --deploy-mode client \
  --conf "spark.executor.extraJavaOptions=$OPENS_ONE_LINE" --conf spark.executor.memory=1g \
  --conf spark.ui.enabled=false \
  "$RUNNER_JAR" scan --quiet --output "$work/spark-out" "$@" --runner=SparkRunner \
  > "$work/submit.log" 2>&1 || { echo "$TEST: the submitted scan failed:" >&2; tail -60 "$work/submit.log" >&2; exit 1; }
master_json | python3 -c '
import json, sys
d = json.load(sys.stdin)
done = [a for a in d.get("completedapps", []) if a.get("state") == "FINISHED"]
sys.exit(0 if done else "no finished application on the cluster")'

files=$(same_as_direct "$work/spark-out" "$@")
executors=$(find "$work/worker" -mindepth 2 -maxdepth 2 -type d | wc -l)
echo "$TEST: ok: the application ran on the standalone cluster ($executors executor(s));" \
  "all $files output files byte-identical to the DirectRunner's"
