#!/usr/bin/env python3
# Walks a path of a bup repository through bup's own VFS (the oracle for what a mount of it must
# show) and prints one line per entry, the path's own entry first:
#   hex(relative path) mode uid gid size atime_ns mtime_ns ctime_ns rdev hex(symlink target)
# Run with PYTHONPATH=/usr/lib/bup and BUP_DIR set: dump_save.py /BRANCH/SAVE
import stat
import sys

from bup import git, vfs
from bup.metadata import Metadata
from bup.repo import LocalRepo


def line(out, relative, meta):
    target = meta.symlink_target or b''
    fields = [relative.hex() or '-', meta.mode, meta.uid, meta.gid, meta.size if meta.size is not None else -1,
              meta.atime, meta.mtime, meta.ctime, meta.rdev or 0, target.hex() or '-']
    out.write(' '.join(str(f) for f in fields).encode() + b'\n')


def walk(repo, out, relative, item):
    for name, child in vfs.contents(repo, item, want_meta=True):
        if name == b'.':
            continue
        child = vfs.fill_in_metadata_if_dir(repo, child)
        child = vfs.augment_item_meta(repo, child, include_size=True)
        path = relative + b'/' + name if relative else name
        line(out, path, child.meta)
        if stat.S_ISDIR(child.meta.mode):
            walk(repo, out, path, child)


def main():
    git.check_repo_or_die()
    repo = LocalRepo()
    resolved = vfs.resolve(repo, sys.argv[1].encode(), follow=True)
    top = vfs.augment_item_meta(repo, vfs.fill_in_metadata_if_dir(repo, resolved[-1][1]), include_size=True)
    out = sys.stdout.buffer
    line(out, b'', top.meta)
    walk(repo, out, b'', top)
    out.flush()


main()
