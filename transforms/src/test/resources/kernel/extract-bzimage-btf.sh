#!/bin/sh
# Reference extraction of a bzImage's vmlinux BTF with the standard tools, independent of the Java
# code under test: read the setup header with od, cut the payload with dd, decompress it with the
# compressor's own CLI, and take .BTF with objcopy.
# Usage: extract-bzimage-btf.sh BZIMAGE OUT_DIR   -> OUT_DIR/vmlinux, OUT_DIR/vmlinux.btf
set -eu
img=$1
out=$2
u8() { od -An -tu1 -j "$1" -N1 "$img" | tr -d ' '; }
u32() { od -An -tu4 --endian=little -j "$1" -N4 "$img" | tr -d ' '; }
sects=$(u8 $((0x1f1)))
[ "$sects" -eq 0 ] && sects=4
start=$(( (sects + 1) * 512 + $(u32 $((0x248))) ))
len=$(u32 $((0x24c)))
dd if="$img" of="$out/payload" iflag=skip_bytes,count_bytes bs=1M skip="$start" count="$len" status=none
case "$(od -An -tx1 -N4 "$out/payload" | tr -d ' ')" in
  # The build appends the decompressed size as LE u32; only gzip's own trailer is that field.
  02214c18) head -c $((len - 4)) "$out/payload" | lz4 -dc > "$out/vmlinux" ;;
  1f8b08*) gzip -dc "$out/payload" > "$out/vmlinux" ;;
  fd377a58) head -c $((len - 4)) "$out/payload" | xz -dc > "$out/vmlinux" ;;
  28b52ffd) head -c $((len - 4)) "$out/payload" | zstd -dc > "$out/vmlinux" ;;
  *) echo "unknown payload compressor" >&2; exit 2 ;;
esac
objcopy -O binary --only-section=.BTF "$out/vmlinux" "$out/vmlinux.btf"
