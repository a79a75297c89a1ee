#!/usr/bin/env bash
# The peer a kernel engineer writes today, timed by run-bench.sh as (b):
# unpack the .deb, get vmlinux out of the bzImage, then `bpftool btf dump -B vmlinux file M`
# for every module (uncompressed .ko, or .ko.xz/.ko.zst decompressed first), one bpftool per
# module, $JOBS at a time (default: every core, as the scan uses every core).
#   peer-bpftool.sh PKG.deb
set -euo pipefail
pkg=$1
JOBS=${JOBS:-$(nproc)}
work=$(mktemp -d "${TMPDIR:-/tmp}/btfscan-peer.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$pkg" "$work/root"
img=$(find "$work/root/boot" -name 'vmlinuz-*' | head -1)
# x86 bzImage: setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c after (setup_sects+1)*512.
read -r sects off len < <(od -An -j $((0x1f1)) -N1 -tu1 "$img" | tr -d ' ' | { read -r s; [ "$s" = 0 ] && s=4;
  echo "$s $(od -An -j $((0x248)) -N4 -tu4 "$img" | tr -d ' ') $(od -An -j $((0x24c)) -N4 -tu4 "$img" | tr -d ' ')"; })
start=$(( (sects + 1) * 512 + off ))
magic=$(od -An -j "$start" -N2 -tx1 "$img" | tr -d ' ')
payload() { tail -c +$((start + 1)) "$img" | head -c "$len"; }
case $magic in
  fd37) payload | xz -dc --single-stream > "$work/vmlinux" 2>/dev/null || true ;;
  0221) payload | lz4 -dc > "$work/vmlinux" 2>/dev/null || true ;;
  1f8b) payload | gzip -dc > "$work/vmlinux" 2>/dev/null || true ;;
  28b5) payload | zstd -dc > "$work/vmlinux" 2>/dev/null || true ;;
  *) echo "peer: unknown bzImage payload magic $magic" >&2; exit 1 ;;
esac
find "$work/root" \( -name '*.ko.xz' -exec xz -d {} + \) -o \( -name '*.ko.zst' -exec zstd -q --rm -d {} + \)
find "$work/root" -name '*.ko' -print0 \
  | xargs -0 -P "$JOBS" -I{} sh -c 'bpftool btf dump -B "$0/vmlinux" file "$1" > /dev/null' "$work" {}
