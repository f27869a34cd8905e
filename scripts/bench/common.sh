# Shared helpers for scripts/bench-mount.sh and scripts/bench-backup.sh (sourced, not run).
# They keep the two scripts to what they measure: one temp work dir removed at exit, cold-cache
# timing, mounts that are always undone, and the result table.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_WORK=""          # the one temp dir of this run (data, repositories, mountpoints)
BENCH_MOUNTS=()        # mountpoints this run created, unmounted at exit
BENCH_PIDS=()          # mount processes this run started, stopped at exit if still alive
BENCH_ROWS=()          # result table rows: "step|tool|figure|ratio"

# Borg and restic keep caches and security state under $HOME; both are pointed into the work dir
# so a run leaves nothing behind and never reuses a previous run's cache.
bench_peer_env() {
  export BORG_BASE_DIR="$BENCH_WORK/borg-home"
  export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
  export RESTIC_CACHE_DIR="$BENCH_WORK/restic-cache" RESTIC_PASSWORD=bench-only-password
  # restic writes progress to a terminal; quiet flags are used per command instead.
}

# bench_setup PREFIX: root check, dependencies, the data generator and bupfs; makes the work dir.
bench_setup() {
  [ "$(id -u)" -eq 0 ] || { echo "$1: run as root (drop_caches, mounts)" >&2; exit 2; }
  "$BENCH_ROOT/scripts/install-bench-deps.sh"
  dotnet build "$BENCH_ROOT/benchmarks/BenchData" -c Release -v quiet -nologo >/dev/null
  command -v bupfs >/dev/null || "$BENCH_ROOT/scripts/build.sh" >/dev/null
  BENCH_WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  bench_peer_env
}

# bench_cleanup: undo exactly what this run did; the work dir goes only when nothing is still
# mounted inside it (rm -rf must never walk into a live mount).
bench_cleanup() {
  local m p busy=0
  for m in "${BENCH_MOUNTS[@]}"; do
    mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true; }
  done
  for p in "${BENCH_PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null
  done
  for m in "${BENCH_MOUNTS[@]}"; do
    mountpoint -q "$m" 2>/dev/null && busy=1
  done
  if [ -n "$BENCH_WORK" ] && [ -d "$BENCH_WORK" ]; then
    if [ "$busy" -eq 0 ]; then rm -rf "$BENCH_WORK"; else echo "bench: still mounted, left $BENCH_WORK" >&2; fi
  fi
}

# drop_caches: every timed step starts with dirty data on disk and nothing in the page, dentry
# or inode caches, so no tool profits from what the one before it read or wrote.
drop_caches() {
  sync
  echo 3 > /proc/sys/vm/drop_caches
}

# gen_mix FILE SIZE_MB SEED / gen_tree DIR COUNT SEED: deterministic data (benchmarks/BenchData).
gen_mix() { dotnet "$BENCH_ROOT/benchmarks/BenchData/bin/Release/net10.0/BenchData.dll" "$1" "$2" "$3"; }
gen_tree() { dotnet "$BENCH_ROOT/benchmarks/BenchData/bin/Release/net10.0/BenchData.dll" --tree "$1" "$2" "$3"; }

# timed CMD...: runs CMD cold (after drop_caches) and sets T (wall seconds) and RSS_MB (peak
# resident set of CMD and its children, from GNU time). Output goes to $BENCH_WORK/last.out/.err.
timed() {
  local s e
  drop_caches
  s=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$BENCH_WORK/last.rss" "$@" > "$BENCH_WORK/last.out" 2> "$BENCH_WORK/last.err" || {
    echo "bench: failed: $*" >&2; tail -n 20 "$BENCH_WORK/last.err" >&2; return 1; }
  e=$(date +%s.%N)
  T=$(echo "$e - $s" | bc -l)
  RSS_MB=$(( $(tail -n 1 "$BENCH_WORK/last.rss") / 1024 ))
}

# wait_mounted MOUNTPOINT PID: until the FUSE mount is live (or the process died: error).
wait_mounted() {
  local i
  for i in $(seq 1 600); do
    mountpoint -q "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "bench: mount process for $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "bench: $1 not mounted after 60 s" >&2
  return 1
}

# unmount MOUNTPOINT PID: unmount and wait for the server to exit, so the next mount starts alone.
unmount() {
  local i
  fusermount3 -u "$1" 2>/dev/null || { sleep 1; fusermount3 -u "$1"; }
  for i in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || return 0
    sleep 0.1
  done
  kill "$2" 2>/dev/null || true
}

# Arithmetic for the table: rate MB SECONDS, ratio A B (A/B, one decimal, "-" when missing).
rate() { echo "scale=1; $1 / $2" | bc -l; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo -; fi; }
fmt() { printf '%.2f' "$1"; }

# row STEP TOOL FIGURE RATIO: one line of the result table.
row() { BENCH_ROWS+=("$1|$2|$3|$4"); }

# print_table TITLE: the table, with "bupfs x" = how many times faster bupfs is than that tool.
print_table() {
  local r
  echo
  echo "== $1"
  printf '%-34s %-8s %18s %9s\n' "step" "tool" "figure" "bupfs x"
  for r in "${BENCH_ROWS[@]}"; do
    IFS='|' read -r step tool figure x <<< "$r"
    printf '%-34s %-8s %18s %9s\n' "$step" "$tool" "$figure" "$x"
  done
}

# verdict TEXT OK: one target line, MET or MISSED.
verdict() { if [ "$2" = 1 ]; then echo "  MET     $1"; else echo "  MISSED  $1"; fi; }

# gt A B: 1 when A > B (decimals), else 0.
gt() { echo "$1 > $2" | bc -l; }
