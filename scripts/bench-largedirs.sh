#!/usr/bin/env bash
# Large-directory benchmark (issue 12): one save whose root is a single folder of N empty files,
# then `bupfs ls`, `bupfs ls -l`, `bupfs restore`, `bupfs restore --tar`, and through a fresh mount
# `ls -f` and `find -ls` (a stat per entry), with the mount's peak RSS (VmHWM).
#
#   scripts/bench-largedirs.sh BUPFS [N...]      (default N: 20000 50000 100000)
#
# BUPFS is the bupfs executable to measure (e.g. out/bupfs/bupfs). Each step is cut off after
# $BENCH_LIMIT seconds (default 120) and then shows as ">LIMIT". Must run as root (mounts).
# Everything lives in one temp dir under ${BENCH_TMP:-/tmp}, removed at exit.
set -euo pipefail
bupfs=$(realpath "$1"); shift
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(20000 50000 100000)
limit=${BENCH_LIMIT:-120}
work=$(mktemp -d "${BENCH_TMP:-/tmp}/bench-largedirs.XXXXXX")
mnt=$work/mnt
daemon=""
cleanup() {
  if mountpoint -q "$mnt" 2>/dev/null; then fusermount3 -u -z "$mnt" || true; fi
  if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then kill "$daemon" || true; fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# Seconds a command took, or ">limit" when it was cut off; its output goes to $work/out.
timed() {
  local start end
  start=$(date +%s.%N)
  if timeout "$limit" "$@" >"$work/out" 2>"$work/err"; then
    end=$(date +%s.%N); echo "$end - $start" | bc | xargs printf '%.2f'
  else
    echo ">$limit"
  fi
}

for n in "${sizes[@]}"; do
  export BUP_DIR=$work/repo-$n TZ=UTC
  if [ ! -d "$BUP_DIR" ]; then
    mkdir -p "$work/src-$n"
    (cd "$work/src-$n" && seq -f 'f%06g' 0 $((n - 1)) | xargs touch)
    "$bupfs" init >/dev/null
    "$bupfs" index "$work/src-$n" >/dev/null
    "$bupfs" save --strip -n main "$work/src-$n" >/dev/null
    rm -rf "$work/src-$n"
  fi
  ls_s=$(timed "$bupfs" ls /main/latest/); ls_lines=$(wc -l <"$work/out")
  ll_s=$(timed "$bupfs" ls -l /main/latest/); ll_lines=$(wc -l <"$work/out")
  rm -rf "$work/dest"
  rs_s=$(timed "$bupfs" restore -C "$work/dest" /main/latest/); rs_files=$(find "$work/dest" -type f 2>/dev/null | wc -l)
  rm -rf "$work/dest"
  tar_s=$(timed bash -c "'$bupfs' restore --tar /main/latest/ | tar -t | wc -l"); tar_files=$(cat "$work/out")
  mkdir -p "$mnt"
  "$bupfs" mount "$BUP_DIR" "$mnt"
  daemon=$(ps -eo pid=,args= | awk -v m="$mnt" '$NF == m { print $1; exit }')
  save=$(readlink "$mnt/main/latest")
  lsf_s=$(timed ls -f "$mnt/main/$save"); lsf_lines=$(wc -l <"$work/out")
  find_s=$(timed find "$mnt/main/$save" -mindepth 1 -ls); find_lines=$(wc -l <"$work/out")
  hwm=$(awk '/VmHWM/ { print int($2 / 1024) " MB" }' "/proc/$daemon/status")
  start=$(date +%s.%N)
  "$bupfs" umount "$mnt" || fusermount3 -u -z "$mnt"
  for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$daemon" 2>/dev/null; then kill "$daemon"; fi
  umount_s=$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.2f')
  daemon=""
  printf '%s entries: ls %s s (%s lines) | ls -l %s s (%s) | restore %s s (%s files) | tar %s s (%s) | mount ls -f %s s (%s) | find -ls %s s (%s) | mount peak %s | umount %s s\n' \
    "$n" "$ls_s" "$ls_lines" "$ll_s" "$ll_lines" "$rs_s" "$rs_files" "$tar_s" "$tar_files" "$lsf_s" "$lsf_lines" "$find_s" "$find_lines" "$hwm" "$umount_s"
done
