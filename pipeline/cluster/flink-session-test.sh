#!/usr/bin/env bash
# Submits the scan to a real Flink 1.19 session cluster, the way README "Running on a cluster"
# says, and checks that every output file is byte-identical to the DirectRunner's.
#
# The cluster runs on this machine but is a real one: a StandaloneSessionClusterEntrypoint
# (JobManager) and a TaskManagerRunner in JVMs of their own, on Flink's classpath only
# (pipeline/cluster/flink/pom.xml: no Beam, no btf-scan), joined over RPC. The scan is submitted
# from a third JVM with --flinkMaster=localhost:PORT (the REST endpoint): Beam stages
# btf-scan-flink.jar to the cluster's blob server and the TaskManager loads the pipeline from it.
#
#   pipeline/cluster/flink-session-test.sh [INPUT...]    (default: the bundled fixtures)
# Builds this tree's btf-scan-flink.jar first (and btf-scan.jar, the reference, when stale). About
# two minutes on 2 cores.
TEST=flink-session-test
PROFILE=flink
source "$(dirname "$0")/common.sh"

mvn -B -q -f pipeline/cluster/flink/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >&2
CP=$(cat "$work/cp.txt")

REST=$(free_port); RPC=$(free_port)

# What Flink 1.19's own scripts pass to every JVM on Java 17 (env.java.opts.all's default).
OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

# The cluster's configuration: everything on localhost, one TaskManager with two slots, its
# memory spelled out (Flink's taskmanager.sh computes these; we start the JVM ourselves).
mkdir -p "$work/conf"
cat > "$work/conf/flink-conf.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $RPC
jobmanager.bind-host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: $REST
taskmanager.host: localhost
taskmanager.bind-host: localhost
taskmanager.numberOfTaskSlots: 2
parallelism.default: 2
taskmanager.cpu.cores: 2
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.task.heap.size: 1024m
# Managed memory feeds the batch sorters, whose buffers bound a record's size: when kernel images
# travelled as single records, 64m refused those above 2.3 MB ("The record exceeds the maximum
# size of a sort buffer") and 512m carried the Debian 53 cloud package's. Images now travel as
# digests of under 2 KB; FLINK_MANAGED (default 512m) tries other sizes.
taskmanager.memory.managed.size: ${FLINK_MANAGED:-512m}
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.task.off-heap.size: 0m
taskmanager.memory.network.min: 256m
taskmanager.memory.network.max: 256m
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m
io.tmp.dirs: $work/tmp
blob.storage.directory: $work/blob
web.tmpdir: $work/web
EOF
mkdir -p "$work/tmp" "$work/blob" "$work/web"

# shellcheck disable=SC2086
start_daemon "$work/jobmanager.log" java $OPENS -Xmx512m -cp "$CP" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$work/conf"
# shellcheck disable=SC2086
start_daemon "$work/taskmanager.log" java $OPENS -Xmx1152m -XX:MaxDirectMemorySize=448m -XX:MaxMetaspaceSize=256m \
  -cp "$CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$work/conf"

# Ready when the REST endpoint reports the TaskManager's two slots.
two_slots() { http_get "http://localhost:$REST/overview" 2>/dev/null | grep -q '"slots-total":2'; }
wait_for "TaskManager with 2 slots" two_slots
echo "$TEST: session cluster up (REST localhost:$REST, 1 TaskManager, 2 slots)"

# The submitting JVM, with the opens README's commands give it on Java 17.
CLIENT_JAVA="java --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
# shellcheck disable=SC2086
$CLIENT_JAVA -jar "$RUNNER_JAR" scan --quiet --output "$work/flink-out" "$@" \
  --runner=FlinkRunner --flinkMaster=localhost:$REST --parallelism=2 > "$work/submit.log" 2>&1 \
  || { echo "$TEST: the submitted scan failed:" >&2; tail -60 "$work/submit.log" >&2; exit 1; }
jobs=$(http_get "http://localhost:$REST/jobs/overview")
echo "$jobs" | grep -q '"state":"FINISHED"' || { echo "$TEST: no finished job on the cluster: $jobs" >&2; exit 1; }
files=$(same_as_direct "$work/flink-out" "$@")
echo "$TEST: ok: the job ran on the session cluster ($(echo "$jobs" | grep -o '"name":"[^"]*"' | head -1));" \
  "all $files output files byte-identical to the DirectRunner's"
