// struct fuse_lowlevel_ops (libfuse 3.14): 44 function pointers, 352 bytes, in header order
// (docs/fuse-interop.md, "struct fuse_lowlevel_ops"). fuse_session_new copies it, so a stack local is enough.
// A zero slot means "not implemented": libfuse answers ENOSYS or applies its default.
using System.Runtime.InteropServices;

namespace BupFs.Linux.Interop;

/// <summary>The low-level operation table, one native function pointer per slot.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseLowLevelOps
{
    public nint Init;           // 0  (void *userdata, struct fuse_conn_info *)
    public nint Destroy;        // 1  (void *userdata)
    public nint Lookup;         // 2  (req, parent, const char *name)
    public nint Forget;         // 3  (req, ino, uint64_t nlookup)
    public nint GetAttr;        // 4  (req, ino, fi)
    public nint SetAttr;        // 5  (req, ino, struct stat *, int to_set, fi)
    public nint ReadLink;       // 6  (req, ino)
    public nint MkNod;          // 7  (req, parent, name, mode_t, dev_t)
    public nint MkDir;          // 8  (req, parent, name, mode_t)
    public nint Unlink;         // 9  (req, parent, name)
    public nint RmDir;          // 10 (req, parent, name)
    public nint Symlink;        // 11 (req, const char *link, parent, name)
    public nint Rename;         // 12 (req, parent, name, newparent, newname, unsigned flags)
    public nint Link;           // 13 (req, ino, newparent, newname)
    public nint Open;           // 14 (req, ino, fi)
    public nint Read;           // 15 (req, ino, size_t, off_t, fi)
    public nint Write;          // 16 (req, ino, const char *buf, size_t, off_t, fi)
    public nint Flush;          // 17 (req, ino, fi)
    public nint Release;        // 18 (req, ino, fi)
    public nint Fsync;          // 19 (req, ino, int datasync, fi)
    public nint OpenDir;        // 20 (req, ino, fi)
    public nint ReadDir;        // 21 (req, ino, size_t, off_t, fi)
    public nint ReleaseDir;     // 22 (req, ino, fi)
    public nint FsyncDir;       // 23 (req, ino, int datasync, fi)
    public nint StatFs;         // 24 (req, ino)
    public nint SetXAttr;       // 25 (req, ino, name, value, size_t, int flags)
    public nint GetXAttr;       // 26 (req, ino, name, size_t)
    public nint ListXAttr;      // 27 (req, ino, size_t)
    public nint RemoveXAttr;    // 28 (req, ino, name)
    public nint Access;         // 29 (req, ino, int mask)
    public nint Create;         // 30 (req, parent, name, mode_t, fi)
    public nint GetLk;          // 31
    public nint SetLk;          // 32
    public nint BMap;           // 33
    public nint IoCtl;          // 34
    public nint Poll;           // 35
    public nint WriteBuf;       // 36
    public nint RetrieveReply;  // 37
    public nint ForgetMulti;    // 38 (req, size_t count, struct fuse_forget_data *)
    public nint Flock;          // 39
    public nint FAllocate;      // 40 (req, ino, int mode, off_t, off_t, fi)
    public nint ReadDirPlus;    // 41 (req, ino, size_t, off_t, fi)
    public nint CopyFileRange;  // 42
    public nint LSeek;          // 43
}
