#!/usr/bin/env python3
"""randread.py FILE COUNT [SEED]: COUNT random 4 KiB preads of FILE at seeded offsets.

Prints "READS_PER_SEC DIGEST": the rate, and a SHA-1 of every block read in order. The offsets
depend only on the seed and the file size, so every tool gets exactly the same requests, and
equal digests prove every mount returned the same bytes (compare with the source file's).
Offsets are 4 KiB aligned, like a page-cache or database reader would ask.
"""
import hashlib
import os
import random
import sys
import time

BLOCK = 4096


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    path, count = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    size = os.stat(path).st_size
    rng = random.Random(seed)
    # Offsets are drawn before the clock starts, so only the reads are timed.
    offsets = [rng.randrange(0, max(1, size // BLOCK)) * BLOCK for _ in range(count)]
    digest = hashlib.sha1()
    fd = os.open(path, os.O_RDONLY)
    try:
        start = time.perf_counter()
        for offset in offsets:
            digest.update(os.pread(fd, BLOCK, offset))
        elapsed = time.perf_counter() - start
    finally:
        os.close(fd)
    print(f"{count / elapsed:.1f} {digest.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
