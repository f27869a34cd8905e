#!/usr/bin/env python3
"""mutate.py DIR PERCENT [SEED]: change PERCENT % of the regular files under DIR, deterministically.

Files are taken in sorted path order and every (100 / PERCENT)-th one is changed: a 4 KiB block
at a seeded offset is overwritten with seeded random bytes (the whole file when smaller; an empty
file gets one byte), so sizes mostly stay the same and content and mtime change, the way edits
usually look to a backup tool. Prints the number of files changed.
"""
import os
import random
import sys

BLOCK = 4096


def files_under(root: str) -> list[str]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        found.extend(os.path.join(folder, n) for n in sorted(names))
    return sorted(found)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    root, percent = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    step = max(1, round(100 / percent))
    changed = 0
    for path in files_under(root)[::step]:
        size = os.path.getsize(path)
        length = min(BLOCK, size) or 1
        offset = rng.randrange(0, size - length + 1) if size > length else 0
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(rng.randbytes(length))
        changed += 1
    print(changed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
