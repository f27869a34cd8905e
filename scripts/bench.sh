#!/usr/bin/env bash
# Benchmarks bupfs against its peers on the same data in one run, printing each figure and the ratio.
#   scripts/bench.sh [SIZE_MB]        (default 600; data and repos go to $BENCH_DIR, default /tmp/bupfs-bench)
# Part 1 (split): `bupfs split` vs `bup split` of one deterministic mixed file (45% random,
# 20% zeros, 35% text), each into a fresh repository, caches warm for both.
# Results and the command that reproduces them are recorded in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-600}"
dir="${BENCH_DIR:-/tmp/bupfs-bench}"
scripts/install-deps.sh
dotnet build benchmarks/BenchData -c Release -v quiet -nologo >/dev/null
[ -x out/bupfs/bupfs ] || scripts/build.sh >/dev/null
bupfs=out/bupfs/bupfs
mkdir -p "$dir"
data="$dir/mix-${size_mb}mb.bin"
[ -f "$data" ] || dotnet benchmarks/BenchData/bin/Release/net10.0/BenchData.dll "$data" "$size_mb" 1
cat "$data" > /dev/null   # warm the page cache for both tools alike

# seconds TOOL...: wall-clock seconds of a command (stdout discarded). Each run starts after a
# sync, so no tool pays for the disk writeback of the one before it.
seconds() { local s e; sync; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
mbps() { echo "scale=1; $size_mb / $1" | bc -l; }

rm -rf "$dir/repo-bup" "$dir/repo-bupfs"
BUP_DIR="$dir/repo-bup" bup init -q 2>/dev/null || BUP_DIR="$dir/repo-bup" bup init > /dev/null
"$bupfs" -d "$dir/repo-bupfs" init 2>/dev/null
t_bup=$(BUP_DIR="$dir/repo-bup" seconds bup split -q -n bench "$data")
t_ours=$(seconds "$bupfs" -d "$dir/repo-bupfs" split -q -n bench "$data")
id_bup=$(git --git-dir="$dir/repo-bup" rev-parse 'bench^{tree}')
id_ours=$(git --git-dir="$dir/repo-bupfs" rev-parse 'bench^{tree}')
echo "split of ${size_mb} MB mixed data:"
printf '  bup split    %6.2f s  %7.1f MB/s\n' "$t_bup" "$(mbps "$t_bup")"
printf '  bupfs split  %6.2f s  %7.1f MB/s\n' "$t_ours" "$(mbps "$t_ours")"
printf '  ratio bupfs/bup: %.1fx   (same tree: %s)\n' "$(echo "$t_bup / $t_ours" | bc -l)" "$([ "$id_bup" = "$id_ours" ] && echo yes || echo NO)"
t_join=$(seconds "$bupfs" -d "$dir/repo-bupfs" join bench)
printf '  bupfs join   %6.2f s  %7.1f MB/s\n' "$t_join" "$(mbps "$t_join")"
