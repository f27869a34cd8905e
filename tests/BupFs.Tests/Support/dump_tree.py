# Prints one JSON object per entry of a tree (the tree itself included, path ""), from lstat,
# readlink and the xattr calls: the oracle the BupFs tests compare the repository view with.
# Names and byte values are hex. Usage: dump_tree.py DIR [--self] (--self: DIR only, no walk)
import json
import os
import sys

root = os.fsencode(sys.argv[1])


def record(path):
    st = os.lstat(path)
    rel = os.path.relpath(path, root) if path != root else b''
    out = {
        'path': rel.hex(), 'mode': st.st_mode, 'uid': st.st_uid, 'gid': st.st_gid,
        'size': st.st_size, 'rdev': st.st_rdev, 'nlink': st.st_nlink, 'ino': st.st_ino,
        'atime': st.st_atime_ns, 'mtime': st.st_mtime_ns, 'ctime': st.st_ctime_ns,
    }
    if os.path.islink(path):
        out['target'] = os.readlink(path).hex()
    else:
        try:
            names = os.listxattr(path, follow_symlinks=False)
        except OSError:
            names = []
        out['xattrs'] = {os.fsencode(n).hex(): os.getxattr(path, n, follow_symlinks=False).hex() for n in names}
    return out


print(json.dumps(record(root)))
for directory, dirs, files in ([] if '--self' in sys.argv else os.walk(root)):
    for name in sorted(dirs + files):
        print(json.dumps(record(os.path.join(directory, name))))
