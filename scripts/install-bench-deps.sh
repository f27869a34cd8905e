#!/usr/bin/env bash
# Installs the peers the benchmark scripts compare bupfs against (Debian 12, run as root):
# borgbackup (1.2.x) and restic (0.14) for bench-mount.sh/bench-backup.sh, GNU time for peak
# RSS (/usr/bin/time -v), python3 for the random-read helper. The basics (git, bup, fuse3, bc)
# come from install-deps.sh. Idempotent: skips apt when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
need=()
for pkg in borgbackup restic time python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
# borg mount needs the llfuse/pyfuse3 binding, which the Debian package pulls in; check it works.
borg --version >/dev/null
restic version >/dev/null
