#!/usr/bin/env bash
# fsck benchmark (issue 11): a full `bupfs fsck` against `git fsck --strict --full` and `bup fsck`
# (bup 0.33 without par2: git verify-pack of every pack), in one run on the same repository.
#
#   scripts/bench-fsck.sh [--mb N] [--tree-count N]
#
#   --mb N          size of the mixed large files saved into the repository (default 300)
#   --tree-count N  small files saved beside them (default 5000)
#
# The repository is made once by bup index + bup save of generated data (untimed). Each fsck is
# timed cold (sync + drop_caches, as root) after waiting for a quiet machine; peak RSS comes from
# GNU time. The bupfs measured is $BUPFS (default: this worktree's out/bupfs/bupfs, else the
# installed bupfs); this script never builds or installs bupfs. Everything lives in one temp dir
# under ${BENCH_TMP:-/tmp}, removed at exit. Results are recorded in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench/common.sh

mb=300 tree_count=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) mb=$2; shift ;;
    --tree-count) tree_count=$2; shift ;;
    -h|--help) awk 'NR > 1 && /^set / { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "bench-fsck: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || { echo "bench-fsck: run as root (drop_caches)" >&2; exit 2; }
BUPFS=${BUPFS:-$PWD/out/bupfs/bupfs}
[ -x "$BUPFS" ] || BUPFS=$(command -v bupfs)
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-60}
dotnet build benchmarks/BenchData -c Release -v quiet -nologo >/dev/null
BENCH_WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/bench-fsck.XXXXXX")
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
echo "bench-fsck: $BUPFS ($("$BUPFS" --version)) at $(git rev-parse --short HEAD), $(nproc) cores," \
  "$(free -g | awk '/^Mem/ { print $2 }') GiB RAM, $(bup --version | head -1), $(git --version)"

# The repository: bup's own save of mixed large files and a tree of small files.
DATA="$BENCH_WORK/data" REPO="$BENCH_WORK/repo"
mkdir -p "$DATA/large"
for i in 1 2 3; do gen_mix "$DATA/large/mix$i.bin" $((mb / 3)) "$i"; done
gen_tree "$DATA/tree" "$tree_count" 1
bup -d "$REPO" init >/dev/null 2>&1
bup -d "$REPO" index "$DATA" >/dev/null
bup -d "$REPO" save -q -n bench "$DATA"
PACK_MB=$(du -cb "$REPO"/objects/pack/*.pack | awk 'END { printf "%.1f", $1 / 1e6 }')
OBJECTS=$(git --git-dir="$REPO" count-objects -v 2>/dev/null | awk '/^in-pack/ { print $2 }')
echo "repository: $PACK_MB MB of packs, $OBJECTS objects, from $(du -sb "$DATA" | awk '{ printf "%.1f", $1 / 1e6 }') MB of data"

# The machine may be shared: the CPU time each tool used (user + system) is printed beside the
# wall time, since it does not depend on what else runs.
declare -A FIG CPU RSS OTH
run() { # run NAME CMD...: times CMD, which must exit 0 (the repository is clean)
  local name=$1; shift
  timed "$@" >/dev/null
  FIG[$name]=$T RSS[$name]=$RSS_MB OTH[$name]=$OTHERS
  CPU[$name]=$(tail -n 1 "$BENCH_WORK/last.time" | awk '{ print $2 + $3 }')
  printf '  %-26s %7.2f s wall  %6.2f CPU-s  %5d MiB  (others %.1f CPU-s)\n' "$name" "$T" "${CPU[$name]}" "$RSS_MB" "$OTHERS"
}
run "bupfs fsck" "$BUPFS" -d "$REPO" fsck -q
run "git fsck --strict --full" git --git-dir="$REPO" fsck --strict --full --no-progress
run "bup fsck" bup -d "$REPO" fsck

echo
echo "ratios (lower is faster for bupfs):"
echo "  bupfs / git fsck: $(ratio "${FIG[bupfs fsck]}" "${FIG[git fsck --strict --full]}") wall," \
  "$(ratio "${CPU[bupfs fsck]}" "${CPU[git fsck --strict --full]}") CPU"
echo "  bupfs / bup fsck: $(ratio "${FIG[bupfs fsck]}" "${FIG[bup fsck]}") wall, $(ratio "${CPU[bupfs fsck]}" "${CPU[bup fsck]}") CPU"
if [ "$(gt "${FIG[git fsck --strict --full]}" "${FIG[bupfs fsck]}")" = 1 ]; then
  verdict "bupfs fsck faster than git fsck --strict --full" 1
else
  verdict "bupfs fsck faster than git fsck --strict --full" 0
fi
