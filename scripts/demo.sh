#!/usr/bin/env bash
# The main job on a sample: back up a sample folder into the default repository and show it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export BUP_DIR="${BUP_DIR:-$HOME/.bup}"
sample=$(mktemp -d /tmp/bupfs-sample.XXXXXX)
mkdir -p "$sample/docs" "$sample/data"
printf 'hello from bupfs\n' > "$sample/docs/readme.txt"
python3 -c "import os,sys; sys.stdout.buffer.write(os.urandom(3_000_000))" > "$sample/data/random.bin"
ln -s docs/readme.txt "$sample/link"
bupfs init
tar -C "$sample" -cf - . | bupfs split -n sample -v
echo "--- branch sample, as bup sees it:"
bup ls -l sample/latest || true
echo "--- content restored by bupfs join:"
bupfs join sample | tar -tvf -
bupfs fsck
