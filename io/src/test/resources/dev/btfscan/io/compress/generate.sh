#!/bin/sh
# Regenerates the lz4-legacy and lzop samples used by DecompressorsTest. These two formats have no
# Java writer, so real tool output is committed. Inputs are rebuilt by the test itself:
#   small: the output of `seq 1 5000`
#   big:   9 MiB of the line "btf-scan lz4 legacy multi-block sample line\n" repeated (two lz4 blocks)
set -eu
cd "$(dirname "$0")"
seq 1 5000 > /tmp/btfscan-small.$$
yes "btf-scan lz4 legacy multi-block sample line" | head -c 9437184 > /tmp/btfscan-big.$$
lz4 -l -9 -c < /tmp/btfscan-small.$$ > small.lz4legacy
lz4 -l -9 -c < /tmp/btfscan-big.$$ > big.lz4legacy
# The kernel build appends the uncompressed size as a LE u32 after the lz4 -l stream (size_append).
{ cat small.lz4legacy; python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<I", int(sys.argv[1])))' "$(wc -c < /tmp/btfscan-small.$$)"; } > small-with-size.lz4legacy
lzop -9 -c < /tmp/btfscan-small.$$ > small.lzo
lzop -1 --crc32 -c < /tmp/btfscan-small.$$ > small-crc32.lzo
lzop -9 -c < /tmp/btfscan-big.$$ > big.lzo
rm -f /tmp/btfscan-small.$$ /tmp/btfscan-big.$$
