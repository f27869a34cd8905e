#!/usr/bin/env bash
# Backup and restore benchmark (issue 5): bupfs save/restore against bup save/restore,
# borg create/extract (lz4, no encryption) and restic backup/restore, in one run on the same data.
#
#   scripts/bench-backup.sh [--quick] [--large-mb N] [--large-files N] [--tree-count N]
#
#   --large-mb N     total size of the mixed large files (default 600)
#   --large-files N  how many large files share it (default 3)
#   --tree-count N   small files (default 10000)
#   --quick          small sizes (60 MB in 3 files, 1000 small files), to check the script works
#
# Steps, each timed cold (sync + drop_caches first) and each ending with `sync` inside the timing,
# so a figure includes making the backup or the restored files durable:
#   1. first save into a fresh repository        (MB/s of source data)
#   2. save again, nothing changed               (seconds)
#   3. save after changing 1% of the files       (seconds; scripts/bench/mutate.py, same for all)
#   4. restore the latest save into an empty dir (MB/s), then checked with diff -r (untimed)
# Peak RSS of every step comes from GNU time (/usr/bin/time). bup and bupfs index before each
# save (their save reads the index), and that indexing is part of the timed step.
# bupfs steps run once `bupfs save` (and `restore`) exist; until then they are skipped (restore
# then reads bup's repository, which bupfs also reads).
# Must run as root (drop_caches). Everything lives in one temp dir under ${BENCH_TMP:-/tmp},
# removed at exit. Results are recorded in docs/benchmarks.md.
# Before each step it waits up to $BENCH_QUIET_WAIT s (default 120, 5 with --quick) for the
# machine to be idle, and reports the CPU other processes used during each step ("others").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench/common.sh

large_mb=600 large_files=3 tree_count=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --large-mb) large_mb=$2; shift ;;
    --large-files) large_files=$2; shift ;;
    --tree-count) tree_count=$2; shift ;;
    --quick) large_mb=60 tree_count=1000 BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-5} ;;
    -h|--help) awk 'NR > 1 && /^set / { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "bench-backup: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

STEPS=(first unchanged changed restore)
ALL_TOOLS=(bupfs bup borg restic)
declare -A FIG RSS OTH OK   # [step,tool]: seconds, peak RSS MiB, others' CPU s; OK[tool]: restore check

# has_bupfs COMMAND: whether the installed bupfs has COMMAND yet (other engineers add them).
has_bupfs() { bupfs --help 2>/dev/null | grep -qE "^  $1( |\$)"; }

# make_data: the large mixed files and the small-file tree, one directory saved by every tool.
make_data() {
  local i
  DATA="$BENCH_WORK/data"
  mkdir -p "$DATA/large"
  echo "generating ${large_mb} MB in ${large_files} mixed files and ${tree_count} small files"
  for i in $(seq 1 "$large_files"); do
    gen_mix "$DATA/large/mix$i.bin" $((large_mb / large_files)) "$i"
  done
  gen_tree "$DATA/tree" "$tree_count" 1
  DATA_MB=$(du -sb "$DATA" | awk '{ printf "%.1f", $1 / 1e6 }')
  NFILES=$(find "$DATA" -type f | wc -l)
}

# init_repos: a fresh, empty repository per tool (untimed).
init_repos() {
  bup -d "$BENCH_WORK/repo-bup" init >/dev/null 2>&1
  borg init -e none "$BENCH_WORK/repo-borg"
  restic -q -r "$BENCH_WORK/repo-restic" init >/dev/null
  [ "$BUPFS_SAVE" = 1 ] && bupfs -d "$BENCH_WORK/repo-bupfs" init >/dev/null
  return 0
}

# save_cmd TOOL N: the shell command of TOOL's Nth save of $DATA (archive names must differ for borg).
save_cmd() {
  local r="$BENCH_WORK/repo-$1"
  case "$1" in
    bup) echo "bup -d '$r' index '$DATA' && bup -d '$r' save -q -n bench '$DATA'" ;;
    borg) echo "borg create --compression lz4 '$r::save$2' '$DATA'" ;;
    restic) echo "restic -q -r '$r' backup '$DATA'" ;;
    bupfs) if [ "$BUPFS_INDEX" = 1 ]; then echo "bupfs -d '$r' index '$DATA' && bupfs -d '$r' save -q -n bench '$DATA'";
           else echo "bupfs -d '$r' save -q -n bench '$DATA'"; fi ;;
  esac
}

# restore_cmd TOOL DEST: sets CMD to restore the latest save into DEST, and RESTORED to where
# $DATA lands there (bup restores the named directory itself, borg and restic the whole path).
restore_cmd() {
  local r="$BENCH_WORK/repo-$1"
  case "$1" in
    bup) RESTORED="$2/data" CMD="bup -d '$r' restore -q -C '$2' '/bench/latest$DATA'" ;;
    borg) RESTORED="$2$DATA" CMD="cd '$2' && borg extract '$r::save3'" ;;
    restic) RESTORED="$2$DATA" CMD="restic -q -r '$r' restore latest --target '$2'" ;;
    # Until bupfs can save, it restores from bup's repository (bupfs reads bup's format).
    bupfs) [ "$BUPFS_SAVE" = 1 ] || r="$BENCH_WORK/repo-bup"
           RESTORED="$2/data" CMD="bupfs -d '$r' restore -q -C '$2' '/bench/latest$DATA'" ;;
  esac
}

# step STEP TOOL CMD: time CMD (plus a final sync) cold, record seconds and peak RSS. A failing
# tool is reported as FAILED in the table rather than ending the run for the others.
step() {
  if timed bash -c "$3 >/dev/null && sync"; then
    FIG[$1,$2]=$T RSS[$1,$2]=$RSS_MB OTH[$1,$2]=$OTHERS
    printf '  %-9s %-7s %8.2f s  %6d MiB  others %5.1f cpu-s\n' "$1" "$2" "$T" "$RSS_MB" "$OTHERS"
  else
    FIG[$1,$2]="" OTH[$1,$2]=""
    printf '  %-9s %-7s FAILED\n' "$1" "$2"
    return 1
  fi
}

run_saves() {
  local tool n=$1 name=$2
  for tool in "${TOOLS[@]}"; do
    step "$name" "$tool" "$(save_cmd "$tool" "$n")" || true
  done
}

run_restores() {
  local tool dest
  for tool in "${TOOLS[@]}"; do
    dest="$BENCH_WORK/restore-$tool"
    mkdir -p "$dest"
    restore_cmd "$tool" "$dest"
    # Content check (untimed): every tool must give back exactly the changed tree.
    if ! step restore "$tool" "$CMD"; then OK[$tool]=FAILED
    elif diff -rq "$DATA" "$RESTORED" >/dev/null 2>&1; then OK[$tool]=same
    else OK[$tool]=DIFFERENT; fi
    rm -rf "$dest"
  done
}

# figure STEP TOOL rate|secs: the table's figure (MB/s of the source data, or seconds), or FAILED.
figure() {
  local v=${FIG[$1,$2]:-}
  if [ -z "$v" ]; then echo FAILED
  elif [ "$3" = rate ]; then echo "$(rate "$DATA_MB" "$v") MB/s"
  else echo "$(fmt "$v") s"; fi
}

# speedup STEP TOOL: how many times faster bupfs was than TOOL at STEP ("-" when not comparable).
speedup() { if [ "$2" = bupfs ]; then echo -; else ratio "${FIG[$1,$2]:-}" "${FIG[$1,bupfs]:-}"; fi; }

report() {
  local t label from peak s
  for t in "${TOOLS[@]}"; do
    row "first save ${DATA_MB} MB" "$t" "$(figure first "$t" rate)" "$(speedup first "$t")" "${OTH[first,$t]:-}"
  done
  for label in unchanged changed; do
    for t in "${TOOLS[@]}"; do
      row "$([ $label = changed ] && echo "save after 1% ($CHANGED files) changed" || echo "save, nothing changed")" \
        "$t" "$(figure "$label" "$t" secs)" "$(speedup "$label" "$t")" "${OTH[$label,$t]:-}"
    done
  done
  for t in "${ALL_TOOLS[@]}"; do
    [ -n "${OK[$t]:-}" ] || continue
    from=""; [ "$t" = bupfs ] && [ "$BUPFS_SAVE" != 1 ] && from=", bup's repo"
    row "restore latest (${OK[$t]}$from)" "$t" "$(figure restore "$t" rate)" "$(speedup restore "$t")" "${OTH[restore,$t]:-}"
  done
  for t in "${ALL_TOOLS[@]}"; do
    peak=0
    for s in "${STEPS[@]}"; do [ "${RSS[$s,$t]:-0}" -gt "$peak" ] && peak=${RSS[$s,$t]}; done
    [ "$peak" -gt 0 ] && row "peak RSS, any step" "$t" "$peak MiB" -
  done
  for t in "${TOOLS[@]}"; do
    row "repository size, 3 saves" "$t" "$(du -sb "$BENCH_WORK/repo-$t" | awk '{ printf "%.1f MB", $1 / 1e6 }')" -
  done
  print_table "bupfs save/restore vs bup, borg (lz4, no encryption), restic: ${DATA_MB} MB, ${NFILES} files ($(date -u +%F), $(nproc) cores)"
  echo "  (bupfs x: how many times faster bupfs is; others: CPU seconds other processes used meanwhile)"
}

# faster STEP PEER FACTOR: 1 when bupfs took at most 1/FACTOR of PEER's time at STEP (0 when
# either failed).
faster() {
  local p=${FIG[$1,$2]:-} b=${FIG[$1,bupfs]:-}
  if [ -n "$p" ] && [ -n "$b" ]; then echo "$p >= $3 * $b" | bc -l; else echo 0; fi
}

# targets: issue 5's goals, each MET or MISSED.
targets() {
  local t
  echo
  echo "== targets (issue 5)"
  if [ "$BUPFS_SAVE" != 1 ]; then echo "  (bupfs save not available yet: save targets not measured)"; else
    verdict "first save >= 6x bup save (x$(speedup first bup))" "$(faster first bup 6)"
    verdict "first save faster than borg create (x$(speedup first borg))" "$(faster first borg 1)"
    verdict "unchanged save >= 5x faster than bup's (x$(speedup unchanged bup))" "$(faster unchanged bup 5)"
    verdict "1%-changed save >= 5x faster than bup's (x$(speedup changed bup))" "$(faster changed bup 5)"
  fi
  if [ "$BUPFS_RESTORE" != 1 ]; then echo "  (bupfs restore not available yet: restore target not measured)"; else
    verdict "restore faster than bup restore (x$(speedup restore bup))" "$(faster restore bup 1)"
    verdict "restore faster than borg extract (x$(speedup restore borg))" "$(faster restore borg 1)"
  fi
  for t in "${ALL_TOOLS[@]}"; do
    case "${OK[$t]:-same}" in
      same) ;;
      FAILED) echo "  FAILED: $t restore (its error is printed above)" >&2 ;;
      *) echo "  WRONG DATA: $t restore differs from the source tree" >&2 ;;
    esac
  done
  return 0
}

bench_setup bench-backup
BUPFS_SAVE=0 BUPFS_INDEX=0 BUPFS_RESTORE=0
has_bupfs save && BUPFS_SAVE=1
has_bupfs index && BUPFS_INDEX=1
has_bupfs restore && BUPFS_RESTORE=1
# saves_by / restores_by: the tools measured for saving and for restoring.
saves_by() { TOOLS=(bup borg restic); [ "$BUPFS_SAVE" = 1 ] && TOOLS=(bupfs "${TOOLS[@]}"); return 0; }
restores_by() { TOOLS=(bup borg restic); [ "$BUPFS_RESTORE" = 1 ] && TOOLS=(bupfs "${TOOLS[@]}"); return 0; }
[ "$BUPFS_SAVE" = 1 ] || echo "bench-backup: this bupfs has no 'save' yet; measuring the peers' saves only"

make_data
init_repos
saves_by
run_saves 1 first
run_saves 2 unchanged
CHANGED=$(python3 scripts/bench/mutate.py "$DATA" 1 1)
echo "  changed $CHANGED of $NFILES files"
run_saves 3 changed
restores_by
run_restores
saves_by
report
targets
