#!/usr/bin/env bash
# Runs the whole test suite: installs dependencies, builds, then each test tier in order.
#   BupStore.Tests      formats, hashsplit, repository (no external tools)
#   BupBackup.Tests     metadata and POSIX layer (needs root for chown tests)
#   BupFs.Tests         the virtual filesystem without mounting (builds repos with real bup)
#   Compat.Tests        interop with real bup 0.33 and git
#   BupFs.Linux.Tests   real FUSE mounts (skip with a reason when /dev/fuse is absent)
#   Conformance         named filesystem cases, in-process and through `bupfs mount` (mount half skips without /dev/fuse)
#   Mount.Tests         `bupfs mount` of real bup saves, end to end (skip when /dev/fuse is absent)
# Exits non-zero when any test fails; the last line says "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh || exit 1
# The tests run the published program (native, as users get it), not the bupfs.dll beside them.
export BUPFS_EXE="$PWD/out/bupfs/bupfs"
passed=0; failed=0; skipped=0; rc=0
for proj in tests/BupStore.Tests tests/BupBackup.Tests tests/BupFs.Tests tests/Compat.Tests tests/BupFs.Linux.Tests tests/Conformance tests/Mount.Tests; do
  [ -d "$proj" ] || continue
  echo "== $proj"
  # --no-build: scripts/build.sh already built everything in Release.
  out=$(dotnet test --project "$proj" -c Release --no-build 2>&1); code=$?
  # Exit code 8 is Microsoft.Testing.Platform's "zero tests ran": a project without tests yet.
  [ "$code" -eq 8 ] && code=0
  echo "$out" | grep -vE '^\s*$' | tail -n 25
  p=$(echo "$out" | sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' | tail -1)
  f=$(echo "$out" | sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' | tail -1)
  s=$(echo "$out" | sed -n 's/^ *skipped: *\([0-9]*\).*/\1/p' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ "$code" -ne 0 ]; then rc=1; [ "${f:-0}" -eq 0 ] && failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
