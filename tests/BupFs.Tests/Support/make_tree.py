# Builds the source tree the BupFs tests save with real bup: every kind of entry bup records,
# odd names, owners, modes, nanosecond times, xattrs and ACLs. Usage: make_tree.py SRC_DIR
import os
import random
import socket
import subprocess
import sys

root = os.fsencode(sys.argv[1])


def p(*parts):
    return os.path.join(root, *parts)


def write(name, data, mode=0o644):
    with open(p(name), 'wb') as f:
        f.write(data)
    os.chmod(p(name), mode)


os.makedirs(p(b'd1', b'sub'))
os.makedirs(p(b'emptydir'))
os.makedirs(p(b'acldir'))
write(b'small.txt', b'hello\n')
write(b'empty', b'')
write(b'big.bin', random.Random(42).randbytes(1_500_000))
write(b'exec.sh', b'#!/bin/sh\necho hi\n', 0o755)
write(b'secret.txt', b'top secret\n', 0o600)
write(b'setuid', b'x', 0o4755)
write(b'd1/sub/deep', b'q')
write(b'd1/file', b'in d1\n')
write(b'foo.bup', b'y')
write(b'bar.bupl', b'z')
write(b'x.bupm', b'w')
write('ünïcødé-名前.txt'.encode(), b'unicode\n')
write(b'nonutf8-\xff\xfe', b'n')
write(b'L' * 251 + b'.txt', b'long name\n')
write(b'owned.txt', b'owned\n')
os.chown(p(b'owned.txt'), 12345, 23456)
os.symlink(b'small.txt', p(b'link'))
os.symlink(b'/etc/hostname', p(b'abslink'))
os.symlink(b'does/not/exist', p(b'dangling'))
os.symlink(b'd1', p(b'dirlink'))
os.link(p(b'small.txt'), p(b'hard1'))
os.link(p(b'small.txt'), p(b'd1', b'hard2'))
os.link(p(b'big.bin'), p(b'bighard'))
os.mkfifo(p(b'fifo'))
os.mknod(p(b'chardev'), 0o20644, os.makedev(1, 3))
sock = socket.socket(socket.AF_UNIX)
sock.bind(p(b'sock'))
sock.close()
write(b'xattr.txt', b'with xattrs\n')
os.setxattr(p(b'xattr.txt'), b'user.comment', b'hello')
os.setxattr(p(b'xattr.txt'), b'user.binary', b'\x00\x01\xff')
os.setxattr(p(b'd1'), b'user.dir', b'on a directory')
write(b'acl.txt', b'with an acl\n')
subprocess.run(['setfacl', '-m', 'u:1234:r,g:4321:rw', p(b'acl.txt')], check=True)
subprocess.run(['setfacl', '-m', 'g:4321:rx', '-d', '-m', 'u:1234:rwx', p(b'acldir')], check=True)
write(b'old.txt', b'before 1970\n')

# Times last (they change ctime): distinct mtimes with nanoseconds, one before 1970, and atimes
# in the future so that reading the tree (bup index/save) cannot move them under relatime.
paths = [p(b'old.txt')]
for directory, dirs, files in os.walk(root, topdown=False):
    paths.extend(os.path.join(directory, n) for n in sorted(files + dirs))
paths.append(root)
for i, path in enumerate(paths):
    mtime = -1 if path == p(b'old.txt') else 1_600_000_000_000_000_000 + i * 1_000_000_007
    atime = 4_102_444_800_000_000_000 + i * 13
    os.utime(path, ns=(atime, mtime), follow_symlinks=False)
