#!/usr/bin/env bash
# Installs what bupfs needs on Debian 12 (run as root): git and real bup 0.33 (the ground truth
# the tests compare against), fuse3 for mounts, attr/acl for xattr and ACL tests, python3 for
# a few test oracles, gcc and zlib headers to link the natively compiled bupfs, libdeflate0
# for faster inflate (optional at run time), rsync and fio for the staging mount's tool tests
# (tests/Mount.Tests/StagingToolsTests.cs). Idempotent: skips apt when everything is present.
set -euo pipefail
need=()
for pkg in git bup fuse3 attr acl python3 bc gcc libc6-dev zlib1g-dev libdeflate0 rsync fio; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) must be on PATH" >&2; exit 1; }
