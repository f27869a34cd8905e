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
mnt=$(mktemp -d /tmp/bupfs-mnt.XXXXXX)
bupfs init
# Back up the sample with real bup (bupfs save arrives with the backup issue), then mount it.
bup index "$sample" >/dev/null
bup save -n sample "$sample"
tar -C "$sample" -cf - . | bupfs split -n sample-tar -q
bupfs mount "$mnt"
trap 'bupfs umount "$mnt" 2>/dev/null || true' EXIT
echo "--- mounted at $mnt:"
ls -la "$mnt" "$mnt/sample"
echo "--- the sample folder inside the latest save:"
ls -laR "$mnt/sample/latest$sample"
diff -r "$sample" "$mnt/sample/latest$sample" && echo "identical to the source"
bupfs ls -l "/sample/latest$sample"
bupfs fsck
