#!/usr/bin/env bash
# Staging mount benchmark (issue: writable staging mount): programs writing into
# `bupfs mount --staging` and `bupfs commit`, against copying to a local folder and saving it with
# bup or bupfs, in one run on the same generated data (benchmarks/BenchData, as bench-backup.sh).
#
#   BUPFS=out/bupfs/bupfs scripts/bench-staging.sh [--quick] [--large-mb N] [--large-files N]
#                                                  [--tree-count N] [--seq-mb N] [--big-mb N]
#
#   --large-mb N     total size of the mixed large files (default 600)
#   --large-files N  how many large files share it (default 3)
#   --tree-count N   small files (default 10000)
#   --seq-mb N       size of the sequential write into the mount (default 1024)
#   --big-mb N       size of the committed file edited in the middle (default 2048)
#   --only STEPS     run only these steps, e.g. "c" or "bd" (default abcd; no summary then)
#   --quick          small sizes (60 MB, 1000 files, 100 MB, 200 MB), to check the script works
#
# Steps (each starts cold: sync + drop_caches; each ends with `sync` inside the timing):
#   a. cp -a DATA into a fresh staging mount + bupfs commit, against cp -a DATA to a local
#      folder + bup index + bup save, and against the same with bupfs index + bupfs save
#   b. tar -x of the small-file tree into a fresh staging mount: files/s
#   c. dd bs=1M conv=fsync of --seq-mb MB (from /dev/zero) into a staging mount: MB/s
#   d. a 4 KiB dd conv=notrunc in the middle of a --big-mb file committed before, then bupfs
#      commit: seconds, and bytes added under objects/pack
#   e. the peak RSS (VmHWM) of every staging mount daemon
# BUPFS names the bupfs to measure (default: bupfs on PATH). Must run as root (drop_caches,
# mounts). Everything lives in one temp dir under ${BENCH_TMP:-/tmp}, removed at exit, with every
# mount this script made unmounted and every daemon it started stopped (by pid).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench/common.sh

BUPFS=${BUPFS:-bupfs}
large_mb=600 large_files=3 tree_count=10000 seq_mb=1024 big_mb=2048 only=abcd
while [ $# -gt 0 ]; do
  case "$1" in
    --large-mb) large_mb=$2; shift ;;
    --large-files) large_files=$2; shift ;;
    --tree-count) tree_count=$2; shift ;;
    --seq-mb) seq_mb=$2; shift ;;
    --big-mb) big_mb=$2; shift ;;
    --only) only=$2; shift ;;
    --quick) large_mb=60 tree_count=1000 seq_mb=100 big_mb=200 BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-5} ;;
    -h|--help) awk 'NR > 1 && /^set / { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "bench-staging: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-30}
BUPFS=$(command -v "$BUPFS") || { echo "bench-staging: no bupfs (set BUPFS)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench-staging: run as root (drop_caches, mounts)" >&2; exit 2; }
for tool in bup fusermount3 bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-staging: needs $tool (scripts/install-bench-deps.sh)" >&2; exit 2; }
done

HWM=0            # largest VmHWM (MiB) of any staging daemon of this run
declare -A FIG   # figures by name, printed at the end

# cleanup: only what this run made — its mounts, its daemons (by pid), its work dir.
cleanup() {
  local m p
  for m in "${BENCH_MOUNTS[@]}"; do
    mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true; }
  done
  for p in "${BENCH_PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null
  done
  [ -n "$BENCH_WORK" ] && [ -d "$BENCH_WORK" ] && rm -rf --one-file-system "$BENCH_WORK"
  return 0
}
BENCH_WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/bench-staging.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM
export TZ=UTC
dotnet build benchmarks/BenchData -c Release -v quiet -nologo >/dev/null
echo "bench-staging: $("$BUPFS" --version) at $(git rev-parse --short HEAD), $(nproc) cores," \
  "$(free -g | awk '/^Mem/ { print $2 }') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg), $(bup --version | head -1)"

# stage_mount REPO BRANCH: a staging mount of BRANCH on a fresh mountpoint; sets MNT and DAEMON.
stage_mount() {
  MNT=$(mktemp -d "$BENCH_WORK/mnt.XXXXXX")
  BENCH_MOUNTS+=("$MNT")
  "$BUPFS" mount --staging "$2" "$1" "$MNT"
  DAEMON=$(ps -eo pid=,args= | awk -v m="$MNT" '$NF == m && /bupfs/ { print $1; exit }')
  [ -n "$DAEMON" ] || { echo "bench-staging: no daemon for $MNT" >&2; return 1; }
  BENCH_PIDS+=("$DAEMON")
}

# stage_umount: records the daemon's peak RSS, then unmounts and waits for it to exit.
stage_umount() {
  local hwm
  hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$DAEMON/status")
  [ "$hwm" -gt "$HWM" ] && HWM=$hwm
  echo "    staging daemon peak RSS ${hwm} MiB"
  "$BUPFS" umount "$MNT" 2>/dev/null || fusermount3 -u "$MNT"
  for _ in $(seq 1 300); do kill -0 "$DAEMON" 2>/dev/null || return 0; sleep 0.1; done
  kill "$DAEMON" 2>/dev/null || true
}

# run NAME CMD: times CMD cold (drop_caches, quiet machine; common.sh's `timed`) with a final sync,
# with the staging daemon's CPU counted as its own rather than as "others".
# Also prints the CPU seconds the step took itself (client + staging daemon): on a shared machine
# that figure moves much less with the load than the wall time does.
run() {
  local name=$1 d0=0 d1=0 cpu; shift
  [ -n "$DAEMON" ] && d0=$(proc_ticks "$DAEMON")
  local tail=" && sync"; [ -n "${NOSYNC:-}" ] && tail=""
  timed ${DAEMON:+--server "$DAEMON"} bash -c "$* >/dev/null$tail" || return 1
  [ -n "$DAEMON" ] && d1=$(proc_ticks "$DAEMON")
  cpu=$(tail -n 1 "$BENCH_WORK/last.time" | awk -v d=$((d1 - d0)) -v hz="$BENCH_HZ" '{ printf "%.2f", $2 + $3 + d / hz }')
  FIG[$name]=$T FIG[$name.rss]=$RSS_MB FIG[$name.cpu]=$cpu
  printf '  %-44s %8.2f s  cpu %6.2f s  client peak %5d MiB  others %5.1f cpu-s\n' "$name" "$T" "$cpu" "$RSS_MB" "$OTHERS"
}

make_data() {
  local i
  DATA="$BENCH_WORK/data"
  mkdir -p "$DATA/large"
  echo "generating ${large_mb} MB in ${large_files} mixed files and ${tree_count} small files"
  for i in $(seq 1 "$large_files"); do gen_mix "$DATA/large/mix$i.bin" $((large_mb / large_files)) "$i"; done
  gen_tree "$DATA/tree" "$tree_count" 1
  DATA_MB=$(du -sb "$DATA" | awk '{ printf "%.1f", $1 / 1e6 }')
  NFILES=$(find "$DATA" -type f | wc -l)
}

# step_a: the three ways to get DATA into a new save.
step_a() {
  local r
  echo "a. ${DATA_MB} MB, ${NFILES} files into a new save"
  r="$BENCH_WORK/repo-stage"; bup -d "$r" init >/dev/null 2>&1
  stage_mount "$r" bench
  run "a staging: cp -a + bupfs commit" "cp -a '$DATA/.' '$MNT/' && '$BUPFS' -d '$r' commit -m bench bench"
  FIG[a.check]=$(diff -rq "$DATA" "$MNT" >/dev/null 2>&1 && echo same || echo DIFFERENT)
  stage_umount; DAEMON=""
  rm -rf "$r"
  r="$BENCH_WORK/repo-bup"; bup -d "$r" init >/dev/null 2>&1
  run "a bup: cp -a + bup index + bup save" \
    "cp -a '$DATA' '$BENCH_WORK/copy' && bup -d '$r' index '$BENCH_WORK/copy' && bup -d '$r' save -q -n bench '$BENCH_WORK/copy'"
  rm -rf "$r" "$BENCH_WORK/copy"
  r="$BENCH_WORK/repo-bupfs"; bup -d "$r" init >/dev/null 2>&1
  run "a bupfs: cp -a + bupfs index + bupfs save" \
    "cp -a '$DATA' '$BENCH_WORK/copy' && '$BUPFS' -d '$r' index '$BENCH_WORK/copy' && '$BUPFS' -d '$r' save -q -n bench '$BENCH_WORK/copy'"
  rm -rf "$r" "$BENCH_WORK/copy"
}

# step_b: tar -x of the small-file tree into a fresh staging mount (then commit, reported apart).
step_b() {
  local r="$BENCH_WORK/repo-tar"
  echo "b. tar -x of ${tree_count} files into a staging mount"
  tar -cf "$BENCH_WORK/tree.tar" -C "$DATA" tree
  bup -d "$r" init >/dev/null 2>&1
  stage_mount "$r" tarx
  run "b tar -x" "tar -xf '$BENCH_WORK/tree.tar' -C '$MNT'"
  run "b then bupfs commit" "'$BUPFS' -d '$r' commit -m tar tarx"
  stage_umount; DAEMON=""
  rm -rf "$r" "$BENCH_WORK/tree.tar"
}

# step_c: one sequential write, close included (conv=fsync flushes the spool file before dd exits).
step_c() {
  local r="$BENCH_WORK/repo-seq"
  echo "c. sequential write of ${seq_mb} MB into a staging mount"
  bup -d "$r" init >/dev/null 2>&1
  stage_mount "$r" seq
  run "c dd bs=1M conv=fsync" "dd if=/dev/zero of='$MNT/seq.bin' bs=1M count=$seq_mb conv=fsync status=none"
  stage_umount; DAEMON=""
  # Without fsync and without the final sync: what the FUSE write path takes, close included. A
  # mount of its own, so the first file's background split (after its close) is not measured here.
  stage_mount "$r" seq2
  NOSYNC=1 run "c dd bs=1M, close, no fsync" "dd if=/dev/zero of='$MNT/seq.bin' bs=1M count=$seq_mb status=none"
  stage_umount; DAEMON=""
  rm -rf "$r"
  # The same write to the local disk the spool files live on: the ceiling with conv=fsync.
  run "c local disk: dd bs=1M conv=fsync" "dd if=/dev/zero of='$BENCH_WORK/seq.bin' bs=1M count=$seq_mb conv=fsync status=none"
  rm -f "$BENCH_WORK/seq.bin"
}

# step_d: a file already in the repository (saved by bupfs save) gets 4 KiB rewritten in its middle.
step_d() {
  local r="$BENCH_WORK/repo-big" before after seek
  echo "d. 4 KiB overwrite in the middle of a committed ${big_mb} MB file, then commit"
  mkdir -p "$BENCH_WORK/big"
  gen_mix "$BENCH_WORK/big/big.bin" "$big_mb" 9
  bup -d "$r" init >/dev/null 2>&1
  "$BUPFS" -d "$r" index "$BENCH_WORK/big" >/dev/null
  "$BUPFS" -d "$r" save -q --strip -n big "$BENCH_WORK/big" >/dev/null
  stage_mount "$r" big
  before=$(du -sb "$r/objects/pack" | cut -f1)
  head -c 4096 /dev/urandom > "$BENCH_WORK/patch"
  seek=$((big_mb * 1000000 / 2 / 4096))
  run "d dd 4 KiB conv=notrunc (open..close)" \
    "dd if='$BENCH_WORK/patch' of='$MNT/big.bin' bs=4096 count=1 seek=$seek conv=notrunc status=none"
  run "d then bupfs commit" "'$BUPFS' -d '$r' commit -m edit big"
  after=$(du -sb "$r/objects/pack" | cut -f1)
  FIG[d.packbytes]=$((after - before))
  FIG[d.spool]=$(du -sb "$r/bupfs-staging" 2>/dev/null | cut -f1)
  echo "    new pack bytes $((after - before)); staging folder after commit ${FIG[d.spool]} bytes"
  stage_umount; DAEMON=""
  # Untimed check: the committed file is the original with the same 4 KiB patched in.
  dd if="$BENCH_WORK/patch" of="$BENCH_WORK/big/big.bin" bs=4096 count=1 seek=$seek conv=notrunc status=none
  "$BUPFS" -d "$r" restore -q -C "$BENCH_WORK/check" /big/latest/big.bin
  FIG[d.check]=$(cmp -s "$BENCH_WORK/big/big.bin" "$BENCH_WORK/check/big.bin" && echo same || echo DIFFERENT)
  echo "    committed file vs the same edit made locally: ${FIG[d.check]}"
  rm -rf "$r" "$BENCH_WORK/big" "$BENCH_WORK/check"
}

report() {
  local stage=${FIG[a staging: cp -a + bupfs commit]} bup=${FIG[a bup: cp -a + bup index + bup save]}
  local bupfs=${FIG[a bupfs: cp -a + bupfs index + bupfs save]} tarx=${FIG[b tar -x]} seq=${FIG[c dd bs=1M conv=fsync]}
  local dd=${FIG[d dd 4 KiB conv=notrunc (open..close)]} dc=${FIG[d then bupfs commit]}
  local vs_bup vs_bupfs files_s mb_s edit
  vs_bup=$(ratio "$bup" "$stage"); vs_bupfs=$(ratio "$bupfs" "$stage")
  files_s=$(echo "$tree_count / $tarx" | bc -l | xargs printf '%.0f')
  mb_s=$(echo "$seq_mb * 1.048576 / $seq" | bc -l | xargs printf '%.0f')
  edit=$(echo "$dd + $dc" | bc -l)
  echo
  echo "== staging mount ($(date -u '+%F %H:%M') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '  %-58s %s\n' \
    "a. staging cp -a + commit (${DATA_MB} MB, ${NFILES} files; ${FIG[a.check]})" "$(fmt "$stage") s (cpu ${FIG[a staging: cp -a + bupfs commit.cpu]} s)" \
    "   local cp -a + bup index + bup save" "$(fmt "$bup") s (cpu ${FIG[a bup: cp -a + bup index + bup save.cpu]} s; staging ${vs_bup}x as fast)" \
    "   local cp -a + bupfs index + bupfs save" "$(fmt "$bupfs") s (cpu ${FIG[a bupfs: cp -a + bupfs index + bupfs save.cpu]} s; staging ${vs_bupfs}x as fast)" \
    "b. tar -x of ${tree_count} files" "$(fmt "$tarx") s = ${files_s} files/s (commit after: $(fmt "${FIG[b then bupfs commit]}") s)" \
    "c. dd ${seq_mb} MiB bs=1M conv=fsync" "$(fmt "$seq") s = ${mb_s} MB/s (local disk: $(rate "$(echo "$seq_mb * 1.048576" | bc -l)" "${FIG[c local disk: dd bs=1M conv=fsync]}") MB/s)" \
    "   dd ${seq_mb} MiB bs=1M, no fsync (close included)" "$(fmt "${FIG[c dd bs=1M, close, no fsync]}") s = $(rate "$(echo "$seq_mb * 1.048576" | bc -l)" "${FIG[c dd bs=1M, close, no fsync]}") MB/s" \
    "d. 4 KiB edit of a committed ${big_mb} MB file + commit" "$(fmt "$edit") s (dd $(fmt "$dd") s, commit $(fmt "$dc") s), ${FIG[d.packbytes]} new pack bytes; ${FIG[d.check]}" \
    "e. peak RSS of the staging daemons" "${HWM} MiB"
  echo
  echo "== targets"
  verdict "a. >= 4x faster than cp + bup index + bup save (${vs_bup}x)" "$(echo "$bup >= 4 * $stage" | bc -l)"
  verdict "a. >= 0.8x of cp + bupfs index + bupfs save (${vs_bupfs}x)" "$(echo "$bupfs >= 0.8 * $stage" | bc -l)"
  verdict "b. >= 5000 files/s (${files_s})" "$(echo "$files_s >= 5000" | bc -l)"
  verdict "c. >= 500 MB/s (${mb_s})" "$(echo "$mb_s >= 500" | bc -l)"
  verdict "d. < 1 s ($(fmt "$edit") s)" "$(echo "$edit < 1" | bc -l)"
  verdict "d. < 1 MB new pack data (${FIG[d.packbytes]} bytes)" "$(echo "${FIG[d.packbytes]} < 1000000" | bc -l)"
  verdict "e. staging daemon peak RSS < 300 MB (${HWM} MiB)" "$(echo "$HWM * 1.048576 < 300" | bc -l)"
}

DAEMON=""
case $only in *a*|*b*) make_data ;; esac
case $only in *a*) step_a ;; esac
case $only in *b*) step_b ;; esac
case $only in *c*) step_c ;; esac
case $only in *d*) step_d ;; esac
[ "$only" = abcd ] && report
exit 0
