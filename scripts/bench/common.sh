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
  BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-120}
  BENCH_WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/$1.XXXXXX")
  echo "$1: bupfs $(bupfs --version) at $(git -C "$BENCH_ROOT" rev-parse --short HEAD), $(nproc) cores," \
    "$(free -g | awk '/^Mem/ { print $2 }') GiB RAM, $(bup --version | head -1) / $(borg --version) / $(restic version | cut -d' ' -f1-2)"
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

# The machine may be shared (other builds and tests): each step first waits for it to be quiet,
# and records how much CPU other processes took while it ran ("others"), so noise shows.
BENCH_HZ=$(getconf CLK_TCK)
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-}   # default set in bench_setup (--quick waits less)

# busy_ticks: CPU ticks spent by the whole machine so far (all but idle and iowait).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# proc_ticks PID...: user+system ticks of those processes (a mount server is not our child).
proc_ticks() {
  local p sum=0 t
  for p in "$@"; do
    t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}

# wait_quiet: until everything else uses under 0.3 CPU over a second, or $BENCH_QUIET_WAIT s
# (default 120; 5 with --quick, whose figures only show that the script works).
wait_quiet() {
  local waited=0 b0 b1
  while [ "$waited" -lt "$BENCH_QUIET_WAIT" ]; do
    b0=$(busy_ticks); sleep 1; b1=$(busy_ticks); waited=$((waited + 1))
    [ $(((b1 - b0) * 10)) -lt $((BENCH_HZ * 3)) ] && return 0
  done
  echo "  (machine still busy after ${BENCH_QUIET_WAIT}s; timing anyway)" >&2
}

# gen_mix FILE SIZE_MB SEED / gen_tree DIR COUNT SEED: deterministic data (benchmarks/BenchData).
gen_mix() { dotnet "$BENCH_ROOT/benchmarks/BenchData/bin/Release/net10.0/BenchData.dll" "$1" "$2" "$3"; }
gen_tree() { dotnet "$BENCH_ROOT/benchmarks/BenchData/bin/Release/net10.0/BenchData.dll" --tree "$1" "$2" "$3"; }

# timed [--server PID] CMD...: runs CMD cold (drop_caches, quiet machine) and sets T (wall
# seconds), RSS_MB (peak resident set of CMD and its children, from GNU time) and OTHERS
# (CPU seconds of every process but CMD and the server PID, e.g. a FUSE mount, meanwhile).
# CMD's stdout is this function's; its stderr goes to $BENCH_WORK/last.err.
timed() {
  local server=() s e b0 b1 p0 p1 own
  if [ "$1" = --server ]; then server=("$2"); shift 2; fi
  drop_caches
  wait_quiet
  p0=$(proc_ticks "${server[@]}"); b0=$(busy_ticks); s=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$BENCH_WORK/last.time" "$@" 2> "$BENCH_WORK/last.err" || {
    echo "bench: failed: $*" >&2; tail -n 20 "$BENCH_WORK/last.err" >&2; return 1; }
  e=$(date +%s.%N); b1=$(busy_ticks); p1=$(proc_ticks "${server[@]}")
  T=$(echo "$e - $s" | bc -l)
  read -r RSS_MB own <<< "$(tail -n 1 "$BENCH_WORK/last.time" | awk '{ print int($1 / 1024), $2 + $3 }')"
  OTHERS=$(echo "o = ($b1 - $b0 - ($p1 - $p0)) / $BENCH_HZ - $own; if (o < 0) o = 0; o" | bc -l)
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

# row STEP TOOL FIGURE RATIO [OTHERS]: one line of the result table.
row() { BENCH_ROWS+=("$1|$2|$3|$4|${5:-}"); }

# print_table TITLE: the table, with "bupfs x" = how many times faster bupfs is than that tool
# and "others" = CPU seconds other processes used during that measurement.
print_table() {
  local r step tool figure x others
  echo
  echo "== $1"
  printf '%-36s %-7s %19s %8s %7s\n' "step" "tool" "figure" "bupfs x" "others"
  for r in "${BENCH_ROWS[@]}"; do
    IFS='|' read -r step tool figure x others <<< "$r"
    [ -n "$others" ] && others=$(printf '%.1f' "$others")
    printf '%-36s %-7s %19s %8s %7s\n' "$step" "$tool" "$figure" "$x" "$others"
  done
}

# verdict TEXT OK: one target line, MET or MISSED.
verdict() { if [ "$2" = 1 ]; then echo "  MET     $1"; else echo "  MISSED  $1"; fi; }

# gt A B: 1 when A > B (decimals), else 0.
gt() { echo "$1 > $2" | bc -l; }
