#!/usr/bin/env bash
# Benchmarks bupfs against its peers on the same data in one run, printing each figure and the ratio.
#   scripts/bench.sh [SIZE_MB]        (default 600; data and repos go to $BENCH_DIR, default /tmp/bupfs-bench)
# Part 1 (split): `bupfs split` vs `bup split` of one deterministic mixed file (45% random,
# 20% zeros, 35% text), each into a fresh repository.
# Every timed run starts from the same state: input in the page cache (re-read just before, since
# other benchmarks on the machine drop caches), previous writes synced, and the CPUs quiet (waits
# up to $BENCH_QUIET_WAIT s, default 300, for other processes to use under 0.3 CPU). The machine is
# shared, so each run also reports the CPU time other processes took while it ran ("others"): a
# two-thread tool loses far more to a busy neighbour than single-threaded bup does.
# $BENCH_RUNS runs per tool (default 3); the best is reported, all are listed.
# Results and the command that reproduces them are recorded in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-600}"
dir="${BENCH_DIR:-/tmp/bupfs-bench}"
runs="${BENCH_RUNS:-3}"
quiet_wait="${BENCH_QUIET_WAIT:-300}"
scripts/install-deps.sh
# quietly CMD...: runs a build step, showing its output only when it fails.
quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; echo "bench: failed: $*" >&2; exit 1; }; }
quietly dotnet build benchmarks/BenchData -c Release -v quiet -nologo
# Always publish, so the figures are of the current source (an older out/bupfs would be reused silently).
quietly dotnet publish src/BupFs.Cli/BupFs.Cli.csproj -c Release -o out/bupfs -v quiet -nologo
bupfs=out/bupfs/bupfs
mkdir -p "$dir"
data="$dir/mix-${size_mb}mb.bin"
[ -f "$data" ] || dotnet benchmarks/BenchData/bin/Release/net10.0/BenchData.dll "$data" "$size_mb" 1

hz=$(getconf CLK_TCK)
# busy_ticks: CPU ticks spent by everything on the machine so far (all but idle and iowait).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# wait_quiet: until the other processes use under 0.3 CPU over a second, or $quiet_wait seconds.
wait_quiet() {
  local waited=0 b0 b1
  while [ "$waited" -lt "$quiet_wait" ]; do
    b0=$(busy_ticks); sleep 1; b1=$(busy_ticks); waited=$((waited + 1))
    [ $(((b1 - b0) * 10)) -lt $((hz * 3)) ] && return 0
  done
  echo "  (machine still busy after ${quiet_wait}s; timing anyway)" >&2
}

# timed_run CMD...: one run from the common start state; prints "wall cpu others" in seconds.
timed_run() {
  local b0 b1 s e cpu
  cat "$data" > /dev/null
  sync
  wait_quiet
  b0=$(busy_ticks); s=$(date +%s.%N)
  cpu=$( { TIMEFORMAT='%U %S'; time "$@" > /dev/null 2>&3; } 3>&2 2>&1 | awk '{ print $1 + $2 }')
  e=$(date +%s.%N); b1=$(busy_ticks)
  local others; others=$(echo "($b1 - $b0) / $hz - $cpu" | bc -l)
  [ "$(echo "$others < 0" | bc -l)" = 1 ] && others=0   # tick rounding
  echo "$(echo "$e - $s" | bc -l) $cpu $others"
}

# best NAME REPO_INIT... -- CMD...: $runs fresh-repository runs; sets BEST_WALL and prints a line.
best() {
  local name=$1 repo=$2; shift 2
  local all="" line best_line="" w
  for _ in $(seq "$runs"); do
    rm -rf "$repo"
    if [ "$name" = bup ]; then BUP_DIR="$repo" bup init > /dev/null 2>&1; else "$bupfs" -d "$repo" init > /dev/null 2>&1; fi
    line=$(timed_run "$@")
    w=${line%% *}
    all="$all $(printf '%.2f' "$w")"
    if [ -z "$best_line" ] || [ "$(echo "$w < ${best_line%% *}" | bc -l)" = 1 ]; then best_line=$line; fi
  done
  read -r BEST_WALL cpu others <<< "$best_line"
  printf '  %-12s %6.2f s %7.1f MB/s   cpu %5.2f s   others %5.2f cpu-s   (runs:%s)\n' \
    "$name split" "$BEST_WALL" "$(echo "scale=1; $size_mb / $BEST_WALL" | bc -l)" "$cpu" "$others" "$all"
}

echo "split of ${size_mb} MB mixed data, best of ${runs} (cpu = user+sys of the tool; others = CPU time other processes used meanwhile):"
best bup "$dir/repo-bup" env BUP_DIR="$dir/repo-bup" bup split -q -n bench "$data"
t_bup=$BEST_WALL
best bupfs "$dir/repo-bupfs" "$bupfs" -d "$dir/repo-bupfs" split -q -n bench "$data"
t_ours=$BEST_WALL
id_bup=$(git --git-dir="$dir/repo-bup" rev-parse 'bench^{tree}')
id_ours=$(git --git-dir="$dir/repo-bupfs" rev-parse 'bench^{tree}')
printf '  ratio bupfs/bup: %.1fx   (same tree: %s)\n' "$(echo "$t_bup / $t_ours" | bc -l)" "$([ "$id_bup" = "$id_ours" ] && echo yes || echo NO)"
read -r t_join _ <<< "$(timed_run "$bupfs" -d "$dir/repo-bupfs" join bench)"
printf '  bupfs join   %6.2f s %7.1f MB/s\n' "$t_join" "$(echo "scale=1; $size_mb / $t_join" | bc -l)"
