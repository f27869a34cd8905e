#!/usr/bin/env bash
# Mount benchmark (issue 4): bupfs mount against bup fuse, borg mount and restic mount, in one run
# on the same generated data, every read cold (fresh mount, then sync + drop_caches).
#
#   scripts/bench-mount.sh [--quick] [--file-mb N] [--tree-count N] [--reads N] [--repeat N]
#                           [--big [--big-mb N]] [--bupfs-args "..."]
#
#   --file-mb N     size of the mixed file read sequentially (default 400)
#   --tree-count N  small files in the tree walked with a stat of every entry (default 10000)
#   --reads N       random 4 KiB preads per tool, same seeded offsets for all (default 1000)
#   --repeat N      cold sequential reads per tool (and of join and the disk), taken in rounds
#                   that visit every tool; the median is reported (default 3; the machine is shared
#                   and one run of any tool can be 30% off)
#   --big           also read a --big-mb (default 4000) file through bupfs mount and report its
#                   peak RSS (target: under 300 MB); takes ~10 GB of disk and a few minutes
#   --quick         small sizes (40 MB, 1000 files, 200 reads), to check the script works
#   --bupfs-args S  extra words for `bupfs mount`, e.g. "--cache-size 64", to try settings
#
# Must run as root (drop_caches, mounts). Data, repositories and mountpoints live in one temp
# dir under ${BENCH_TMP:-/tmp}, removed at exit. Results are recorded in docs/benchmarks.md.
# Before each step it waits up to $BENCH_QUIET_WAIT s (default 120, 5 with --quick) for the
# machine to be idle, and reports the CPU other processes used during each step ("others").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench/common.sh

file_mb=400 tree_count=10000 reads=1000 repeat=3 big=0 big_mb=4000 bupfs_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --file-mb) file_mb=$2; shift ;;
    --tree-count) tree_count=$2; shift ;;
    --reads) reads=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --big) big=1 ;;
    --big-mb) big_mb=$2; shift ;;
    --quick) file_mb=40 tree_count=1000 reads=200 big_mb=400 BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-5} ;;
    --bupfs-args) bupfs_args=$2; shift ;;
    -h|--help) awk 'NR > 1 && /^set / { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "bench-mount: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

TOOLS=(bupfs bup borg restic)
declare -A SEQ WALK RAND DIGEST   # per tool: MB/s, seconds, reads/s, digest of the random reads
declare -A SEQ_ALL SEQ_O_ALL      # per tool: every sequential rate and its "others", space-separated
declare -A SEQ_O WALK_O RAND_O    # per tool: CPU seconds other processes took during that step
BUPFS_HWM=0                       # peak RSS (MiB) of any bupfs mount process of this run

# make_data: one mixed file and one small-file tree, saved once by each peer. bupfs mounts the
# very repository bup fuse reads, so both read identical bytes.
make_data() {
  local data="$BENCH_WORK/data"
  mkdir -p "$data"
  echo "generating ${file_mb} MB mixed file and ${tree_count} small files"
  gen_mix "$data/mix.bin" "$file_mb" 1
  gen_tree "$data/tree" "$tree_count" 1
  echo "saving with bup, borg and restic (untimed)"
  export BUP_DIR="$BENCH_WORK/repo-bup"
  bup init >/dev/null 2>&1
  bup index "$data" >/dev/null
  # --strip puts the data at the save's root: /bench/latest/mix.bin, as in the other tools.
  bup save -q -n bench --strip "$data"
  borg init -e none "$BENCH_WORK/repo-borg"
  (cd "$data" && borg create --compression lz4 "$BENCH_WORK/repo-borg::bench" .)
  restic -q -r "$BENCH_WORK/repo-restic" init >/dev/null
  (cd "$data" && restic -q -r "$BENCH_WORK/repo-restic" backup . >/dev/null)
  SOURCE_DIGEST=$(python3 scripts/bench/randread.py "$data/mix.bin" "$reads" 1 | cut -d' ' -f2)
}

# mount_fresh TOOL: a new mount of TOOL's repository on its own mountpoint, in the foreground
# mode of each tool so this script owns the pid. Sets MNT, PID and ROOT (the saved data's root).
mount_fresh() {
  MNT=$(mktemp -d "$BENCH_WORK/mnt-$1.XXXXXX")
  BENCH_MOUNTS+=("$MNT")
  case "$1" in
    # --meta: bup fuse then shows the saved owners, modes and times, as bupfs always does.
    bup) bup fuse -f --meta "$MNT" >/dev/null 2>&1 & PID=$!; ROOT="$MNT/bench/latest" ;;
    borg) borg mount -f "$BENCH_WORK/repo-borg::bench" "$MNT" >/dev/null 2>&1 & PID=$!; ROOT="$MNT" ;;
    restic) restic -q -r "$BENCH_WORK/repo-restic" mount "$MNT" >/dev/null 2>&1 & PID=$!; ROOT="$MNT/snapshots/latest" ;;
    # shellcheck disable=SC2086 # --bupfs-args is meant to split into words
    bupfs) bupfs -d "$BUP_DIR" mount -f $bupfs_args "$MNT" >/dev/null 2>&1 & PID=$!; ROOT="$MNT/bench/latest" ;;
  esac
  BENCH_PIDS+=("$PID")
  wait_mounted "$MNT" "$PID"
  # restic shows snapshots/latest a moment after the mount itself is live.
  local i; for i in $(seq 1 100); do [ -e "$ROOT/mix.bin" ] && return 0; sleep 0.1; done
  echo "bench-mount: $ROOT/mix.bin missing" >&2; return 1
}

# release TOOL: note bupfs's peak RSS (VmHWM: the high-water mark of the process we started),
# then unmount and wait for the server to exit. VmHWM counts mapped file pages too (e.g. pack
# files read through mmap), so the current anonymous/file split is kept to tell them apart.
release() {
  if [ "$1" = bupfs ]; then
    local hwm; hwm=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$PID/status")
    [ "$hwm" -gt "$BUPFS_HWM" ] && BUPFS_HWM=$hwm
    LAST_HWM=$hwm
    LAST_SPLIT=$(awk '/^RssAnon/ { a = int($2 / 1024) } /^RssFile/ { f = int($2 / 1024) } END { printf "anon %d + file %d MiB at end", a, f }' "/proc/$PID/status")
  fi
  unmount "$MNT" "$PID"
}

measure_seq() {
  mount_fresh "$1"
  timed --server "$PID" cat "$ROOT/mix.bin" > /dev/null
  SEQ_ALL[$1]+="$(rate "$file_mb" "$T") " SEQ_O_ALL[$1]+="$OTHERS "
  release "$1"
}

# median WORDS...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure_seq_rounds: --repeat rounds, each reading the file once through every tool, then join
# and the disk, so a busy moment of the shared machine hits one round rather than one tool.
measure_seq_rounds() {
  local r t joins=() disks=()
  for r in $(seq 1 "$repeat"); do
    echo "sequential reads, round $r of $repeat"
    for t in "${TOOLS[@]}"; do measure_seq "$t"; done
    measure_join; joins+=("$JOIN")
    measure_disk; disks+=("$DISK")
  done
  for t in "${TOOLS[@]}"; do
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    SEQ[$t]=$(median ${SEQ_ALL[$t]}) SEQ_O[$t]=$(median ${SEQ_O_ALL[$t]})
  done
  JOIN=$(median "${joins[@]}") DISK=$(median "${disks[@]}")
}

# The walk asks find for size, mode and mtime of every entry, so every entry is stat'ed.
measure_walk() {
  mount_fresh "$1"
  timed --server "$PID" find "$ROOT/tree" -printf '%s %m %T@\n' > "$BENCH_WORK/walk-$1.txt"
  WALK[$1]=$T WALK_O[$1]=$OTHERS
  WALK_ENTRIES[$1]=$(wc -l < "$BENCH_WORK/walk-$1.txt")
  release "$1"
}

# The rate is randread.py's own (reads only); the timing around it only measures the noise.
measure_random() {
  local out
  mount_fresh "$1"
  timed --server "$PID" python3 scripts/bench/randread.py "$ROOT/mix.bin" "$reads" 1 > "$BENCH_WORK/rand.out"
  out=$(cat "$BENCH_WORK/rand.out")
  RAND[$1]=${out% *} RAND_O[$1]=$OTHERS
  DIGEST[$1]=${out#* }
  release "$1"
}

# The source file read cold from disk: how fast the disk alone goes, for scale (when a mount is
# far below it, reading the repository is not what bounds that mount).
measure_disk() {
  timed cat "$BENCH_WORK/data/mix.bin" > /dev/null
  DISK=$(rate "$file_mb" "$T") DISK_O=$OTHERS
}

# bupfs join of the same file: what the mount's sequential read is held against (1.5x).
measure_join() {
  local blob
  blob=$(git --git-dir="$BUP_DIR" ls-tree bench | awk -F'\t' '$2 == "mix.bin" || $2 == "mix.bin.bup" { print $2 }')
  timed bupfs -d "$BUP_DIR" join "bench:$blob" > /dev/null
  JOIN=$(rate "$file_mb" "$T") JOIN_O=$OTHERS
}

# measure_big: peak RSS of bupfs mount while cat reads a big file (saved by bup into the same
# repository, as its own branch; the data file is deleted once saved to spare the disk).
measure_big() {
  local big="$BENCH_WORK/big"
  mkdir -p "$big"
  echo "generating and saving a ${big_mb} MB file for the RSS check"
  gen_mix "$big/big.bin" "$big_mb" 7
  bup index "$big" >/dev/null
  bup save -q -n big --strip "$big"
  rm -f "$big/big.bin"
  mount_fresh bupfs
  timed --server "$PID" cat "$MNT/big/latest/big.bin" > /dev/null
  BIG_RATE=$(rate "$big_mb" "$T") BIG_O=$OTHERS
  release bupfs
  BIG_HWM=$LAST_HWM
  BIG_SPLIT=$LAST_SPLIT
}

report() {
  local t x
  for t in "${TOOLS[@]}"; do
    x=-; [ "$t" != bupfs ] && x=$(ratio "${SEQ[bupfs]}" "${SEQ[$t]}")
    row "cold sequential read ${file_mb} MB" "$t" "${SEQ[$t]} MB/s" "$x" "${SEQ_O[$t]}"
  done
  row "cold sequential read ${file_mb} MB" "join" "$JOIN MB/s" "$(ratio "${SEQ[bupfs]}" "$JOIN")" "$JOIN_O"
  row "cold sequential read ${file_mb} MB" "disk" "$DISK MB/s" - "$DISK_O"
  for t in "${TOOLS[@]}"; do
    x=-; [ "$t" != bupfs ] && x=$(ratio "${WALK[$t]}" "${WALK[bupfs]}")
    row "walk+stat ${WALK_ENTRIES[$t]} entries" "$t" "$(printf '%.3f' "${WALK[$t]}") s" "$x" "${WALK_O[$t]}"
  done
  for t in "${TOOLS[@]}"; do
    x=-; [ "$t" != bupfs ] && x=$(ratio "${RAND[bupfs]}" "${RAND[$t]}")
    row "random 4 KiB reads ($reads)" "$t" "${RAND[$t]} /s" "$x" "${RAND_O[$t]}"
  done
  row "peak RSS of the mount, steps above" bupfs "$HWM_MAIN MiB" -
  [ "$big" = 1 ] && row "read ${big_mb} MB: rate, peak RSS" bupfs "$BIG_RATE MB/s $BIG_HWM MiB" - "$BIG_O"
  print_table "bupfs mount vs bup fuse, borg mount, restic mount ($(date -u +%F), $(nproc) cores)"
  echo "  (bupfs x: how many times faster bupfs is; for the join row, mount rate / join rate;"
  echo "   sequential rows: median of $repeat rounds (every rate: $(for t in "${TOOLS[@]}"; do printf '%s %s; ' "$t" "${SEQ_ALL[$t]% }"; done))"
  echo "   join: bupfs join of the same file to /dev/null; disk: cat of the source file;"
  echo "   others: CPU seconds used meanwhile by processes other than the reader and the mount)"
  [ "$big" = 1 ] && echo "  (bupfs RSS after the ${big_mb} MB read: $BIG_SPLIT)"
  return 0
}

# targets: issue 4's goals, each MET or MISSED, and a check that every mount returned the bytes
# the source file has.
targets() {
  local t fastest=""
  echo
  echo "== targets (issue 4)"
  verdict "sequential read >= 2x borg mount (${SEQ[bupfs]} vs ${SEQ[borg]} MB/s)" "$(echo "${SEQ[bupfs]} >= 2 * ${SEQ[borg]}" | bc -l)"
  verdict "sequential read within 1.5x of bupfs join (${SEQ[bupfs]} vs $JOIN MB/s)" "$(echo "${SEQ[bupfs]} * 1.5 >= $JOIN" | bc -l)"
  for t in bup borg restic; do
    if [ -z "$fastest" ] || [ "$(gt "${WALK[$fastest]}" "${WALK[$t]}")" = 1 ]; then fastest=$t; fi
  done
  verdict "walk faster than the fastest peer ($(printf '%.3f s vs %s %.3f s' "${WALK[bupfs]}" "$fastest" "${WALK[$fastest]}"))" "$(gt "${WALK[$fastest]}" "${WALK[bupfs]}")"
  if [ "$big" = 1 ]; then
    verdict "peak RSS under 300 MB reading ${big_mb} MB ($BIG_HWM MiB)" "$([ "$BIG_HWM" -lt 300 ] && echo 1 || echo 0)"
  else
    echo "  (peak RSS target needs --big: reads a 4 GB file)"
  fi
  for t in "${TOOLS[@]}"; do
    [ "${DIGEST[$t]}" = "$SOURCE_DIGEST" ] || echo "  WRONG DATA: $t's random reads differ from the source file" >&2
    [ "${WALK_ENTRIES[$t]}" = "${WALK_ENTRIES[bupfs]}" ] || echo "  NOTE: $t walked ${WALK_ENTRIES[$t]} entries, bupfs ${WALK_ENTRIES[bupfs]}" >&2
  done
}

declare -A WALK_ENTRIES
bench_setup bench-mount
make_data
measure_seq_rounds
for tool in "${TOOLS[@]}"; do
  echo "measuring $tool"
  measure_walk "$tool"
  measure_random "$tool"
done
HWM_MAIN=$BUPFS_HWM
[ "$big" = 1 ] && measure_big
report
targets
