#!/usr/bin/env bash
# Builds the solution (Release) and publishes the `bupfs` command to out/bupfs, with a launcher
# in /usr/local/bin so every README example is typed as `bupfs ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Bup.sln -c Release -v quiet -nologo
rm -rf out/bupfs
# Native AOT needs a C toolchain (install-deps.sh installs one); without it, publish ReadyToRun.
if ! dotnet publish src/BupFs.Cli/BupFs.Cli.csproj -c Release -o out/bupfs -v quiet -nologo; then
  echo "build: native compile failed; publishing the ReadyToRun build instead" >&2
  rm -rf out/bupfs
  dotnet publish src/BupFs.Cli/BupFs.Cli.csproj -c Release -o out/bupfs -v quiet -nologo -p:PublishAot=false
fi
if [ -w /usr/local/bin ]; then
  printf '#!/bin/sh\nexec "%s/out/bupfs/bupfs" "$@"\n' "$PWD" > /usr/local/bin/bupfs
  chmod 755 /usr/local/bin/bupfs
fi
