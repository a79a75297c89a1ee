#!/usr/bin/env bash
# JMH benchmarks of the hot code (bench/jmh), plus the libbpf btf__parse_raw harness on the same
# vmlinux BTF, for the ratio stated in the README.
#   bench/jmh.sh [JMH ARGS...]      e.g. bench/jmh.sh -f 1 -wi 3 -i 5 vmlinux
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE=${BTFSCAN_CACHE:-$HOME/.cache/btf-scan}
work="$ROOT/bench/target"
mkdir -p "$work"
mvn -B -q -f bench/pom.xml -DskipTests package >&2   # this tree's modules + the benchmarks, no install

# A real vmlinuz (LZ4 bzImage of the 53 cloud kernel) from the cached Debian package, if present.
deb=$(ls "$CACHE"/debian/linux-image-6.1.0-53-cloud-amd64-unsigned_*_amd64.deb 2>/dev/null | head -1 || true)
vmlinuz_opt=()
if [ -n "$deb" ]; then
  [ -f "$work/vmlinuz-6.1.0-53-cloud-amd64" ] || dpkg-deb --fsys-tarfile "$deb" \
    | tar -xO ./boot/vmlinuz-6.1.0-53-cloud-amd64 > "$work/vmlinuz-6.1.0-53-cloud-amd64"
  vmlinuz_opt=(-Dbtfscan.vmlinuz="$work/vmlinuz-6.1.0-53-cloud-amd64")
fi

# libbpf: btf__parse_raw on the same blob, best and median of many warm runs (Debian's libbpf-dev;
# installed here when missing, as run-bench.sh's tools are).
if ! dpkg-query -W -f='${Status}' libbpf-dev 2>/dev/null | grep -q 'install ok installed'; then
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libbpf-dev >&2
fi
xz -dc fixtures/data/kernels/6.1.0-53-cloud-amd64.btf.xz > "$work/vmlinux-6.1.0-53-cloud-amd64.btf"
gcc -O2 -o "$work/libbpf-parse" bench/libbpf-parse.c -lbpf
"$work/libbpf-parse" "$work/vmlinux-6.1.0-53-cloud-amd64.btf" 200

java "${vmlinuz_opt[@]}" -Dbtfscan.fixtures="$ROOT/fixtures/data" -jar bench/jmh/target/btf-scan-jmh.jar "$@"
