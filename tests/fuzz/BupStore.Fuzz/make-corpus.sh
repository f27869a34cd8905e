#!/usr/bin/env bash
# Regenerates corpus/ (the seed inputs of every fuzz target) with real bup 0.33 and git, so the seeds
# are what those tools actually write. Deterministic content, but bup records owners and times, so a
# rerun differs in those bytes; the committed corpus is the reference, rerun only to refresh it.
#   tests/fuzz/BupStore.Fuzz/make-corpus.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BUP_DIR="$work/bup" TZ=UTC GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000
export GIT_AUTHOR_NAME=seed GIT_AUTHOR_EMAIL=seed@example.org GIT_COMMITTER_NAME=seed GIT_COMMITTER_EMAIL=seed@example.org
rm -rf "$out"
mkdir -p "$out"/{idx,midx,bloom,tree,commit,bupm,metadata,pack,delta}

# bytes N SEED: N deterministic pseudo-random bytes.
bytes() { python3 -c "import hashlib,sys; n,s=int(sys.argv[1]),sys.argv[2]; o=b''.join(hashlib.sha256(f'{s}-{i}'.encode()).digest() for i in range(n//32+1)); sys.stdout.buffer.write(o[:n])" "$1" "$2"; }

# --- a bup repository: a small save (files, symlink, subfolder) and two splits, each its own pack.
bup init > /dev/null 2>&1
src="$work/src"
mkdir -p "$src/sub"
printf 'hello\n' > "$src/a.txt"
ln -s a.txt "$src/link"
bytes 3000 sub > "$src/sub/b.bin"
printf 'second file\n' > "$src/sub/c.txt"
touch -d @1600000000 "$src/a.txt" "$src/sub/b.bin" "$src/sub/c.txt"
bup index "$src" > /dev/null
bup save -q -n save -d 1700000000 "$src"
bytes 60000 split > "$work/split.bin"
bup split -q -n split -d 1700000001 "$work/split.bin"
{ head -c 40000 /dev/zero; bytes 20000 split2; } > "$work/split2.bin"
bup split -q -n split2 -d 1700000002 "$work/split2.bin"
bup midx -f > /dev/null
bup bloom > /dev/null 2>&1
git="git --git-dir=$BUP_DIR"

n=0; for f in "$BUP_DIR"/objects/pack/*.idx; do cp "$f" "$out/idx/bup-v2-$((n++)).idx"; done
cp "$BUP_DIR"/objects/pack/*.midx "$out/midx/bup-midx-f.midx"
cp "$BUP_DIR"/objects/pack/bup.bloom "$out/bloom/bup.bloom"
smallest=$(ls -S "$BUP_DIR"/objects/pack/*.pack | tail -1)
$git index-pack --index-version=1 -o "$out/idx/git-v1.idx" "$smallest" > /dev/null
cp "$smallest" "$out/pack/bup-no-delta.pack"

# raw object bodies: every tree and commit of the saves, every .bupm blob
for ref in save split split2; do
  $git cat-file commit "$ref" > "$out/commit/$ref.commit"
  for t in $($git rev-list --objects "$ref" | awk '{print $1}'); do
    case $($git cat-file -t "$t") in
      tree) $git cat-file tree "$t" > "$out/tree/$ref-$t.tree" ;;
    esac
  done
done
for b in $($git ls-tree -r save | awk '$4 ~ /(^|\/)\.bupm$/ {print $3}'); do
  $git cat-file blob "$b" > "$out/bupm/$b.bupm"
done
bup meta -c -f "$out/metadata/src.meta" "$src" 2> /dev/null

# --- a git repository with similar files, repacked so that most objects are deltas.
g="$work/git"
git init -q "$g"
for i in 1 2 3 4; do
  { printf 'line %s of a file that changes a little\n' $(seq 1 40); printf 'revision %s\n' "$i"; } > "$g/file.txt"
  git -C "$g" add file.txt && git -C "$g" commit -q -m "revision $i"
done
git -C "$g" repack -adfq --window=10 --depth=5
pack=$(ls "$g"/.git/objects/pack/*.pack)
cp "$pack" "$out/pack/git-deltas.pack"

# delta seeds: 4-byte big-endian base length, the base object, then the raw delta (as the pack holds it)
cat > "$work/delta.py" <<'PY'
import sys, zlib, struct
pack, offset, size, dest = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(pack, 'rb').read()[offset:offset + size]
pos = 0
while data[pos] & 0x80:
    pos += 1
pos += 1
if (data[0] >> 4) & 7 == 6:          # OFS_DELTA: skip the base distance
    while data[pos] & 0x80:
        pos += 1
    pos += 1
else:                                # REF_DELTA: skip the base id
    pos += 20
delta = zlib.decompress(data[pos:])
base = sys.stdin.buffer.read()
open(dest, 'wb').write(struct.pack('>I', len(base)) + base + delta)
PY
git -C "$g" verify-pack -v "${pack%.pack}.idx" | awk 'NF == 7 { print $1, $4, $5, $7 }' | while read -r id size offset base; do
  type=$(git -C "$g" cat-file -t "$base")
  git -C "$g" cat-file "$type" "$base" | python3 "$work/delta.py" "$pack" "$offset" "$size" "$out/delta/$id.delta"
done
chmod -R u+w,a+r "$out"
ls -lR "$out" | awk '$5 ~ /^[0-9]+$/ { total += $5; files++ } END { print files " seed files, " total " bytes" }'
