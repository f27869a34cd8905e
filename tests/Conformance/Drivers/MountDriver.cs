using System.Text;
using BupFs;
using Conformance.Model;
using Mono.Unix.Native;
using static Conformance.Drivers.ErrnoTranslation;

namespace Conformance.Drivers;

/// <summary>
/// Runs the cases as real system calls on paths under a mounted directory (a FUSE mount of
/// `bupfs mount` on Linux), so the kernel, libfuse and the host's translation are all under test.
/// </summary>
internal sealed class MountDriver(string root) : IFsUnderTest
{
    public IOpenFile Open(string path, OpenMode mode, uint permissions = 0x1A4)
    {
        int flags = (mode & OpenMode.ReadWrite) switch
        {
            OpenMode.ReadWrite => LinuxCalls.ORdWr,
            OpenMode.Write => LinuxCalls.OWrOnly,
            _ => LinuxCalls.ORdOnly,
        };
        flags |= mode.HasFlag(OpenMode.Create) ? LinuxCalls.OCreat : 0;
        flags |= mode.HasFlag(OpenMode.Exclusive) ? LinuxCalls.OExcl : 0;
        flags |= mode.HasFlag(OpenMode.Truncate) ? LinuxCalls.OTrunc : 0;
        flags |= mode.HasFlag(OpenMode.Append) ? LinuxCalls.OAppend : 0;
        int fd = (int)CheckMarshalled(LinuxCalls.Open(Full(path), flags | LinuxCalls.OCloExec, permissions), "open");
        return new MountOpenFile(fd);
    }

    public FsStat Stat(string path)
    {
        Check(Syscall.lstat(Full(path), out Mono.Unix.Native.Stat s), "lstat");
        return new FsStat(
            Kind(s.st_mode), (uint)s.st_mode & 0xFFF, s.st_size, (uint)s.st_nlink, s.st_ino, s.st_uid, s.st_gid,
            new FsTime(s.st_atime, (uint)s.st_atime_nsec), new FsTime(s.st_mtime, (uint)s.st_mtime_nsec));
    }

    public void MakeDirectory(string path, uint permissions = 0x1ED) => Check(Syscall.mkdir(Full(path), (FilePermissions)permissions), "mkdir");

    public void RemoveDirectory(string path) => Check(Syscall.rmdir(Full(path)), "rmdir");

    public void Unlink(string path) => Check(Syscall.unlink(Full(path)), "unlink");

    public void Rename(string from, string to, RenameFlags flags = RenameFlags.None)
    {
        uint native = (flags.HasFlag(RenameFlags.NoReplace) ? LinuxCalls.RenameNoReplace : 0) | (flags.HasFlag(RenameFlags.Exchange) ? LinuxCalls.RenameExchange : 0);
        CheckMarshalled(LinuxCalls.RenameAt2(LinuxCalls.AtFdCwd, Full(from), LinuxCalls.AtFdCwd, Full(to), native), "renameat2");
    }

    public void Link(string existing, string newPath) => Check(Syscall.link(Full(existing), Full(newPath)), "link");

    public void Symlink(string target, string path) => Check(Syscall.symlink(target, Full(path)), "symlink");

    public string ReadLink(string path)
    {
        var buffer = new byte[4096];
        long n = Check(Syscall.readlink(Full(path), buffer), "readlink");
        return Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    public void MakeFifo(string path) => Check(Syscall.mknod(Full(path), FilePermissions.S_IFIFO | (FilePermissions)0x1A4, 0), "mknod");

    public void Truncate(string path, long size) => Check(Syscall.truncate(Full(path), size), "truncate");

    public void Chmod(string path, uint permissions) => Check(Syscall.chmod(Full(path), (FilePermissions)permissions), "chmod");

    public void Chown(string path, uint uid, uint gid) => Check(Syscall.lchown(Full(path), uid, gid), "lchown");

    public void SetTimes(string path, FsTime access, FsTime modify)
    {
        Timespec[] times =
        [
            new() { tv_sec = access.Seconds, tv_nsec = access.Nanoseconds },
            new() { tv_sec = modify.Seconds, tv_nsec = modify.Nanoseconds },
        ];
        Check(Syscall.utimensat(LinuxCalls.AtFdCwd, Full(path), times, AtFlags.AT_SYMLINK_NOFOLLOW), "utimensat");
    }

    public void SetXattr(string path, string name, byte[] value, XattrSetMode mode)
    {
        XattrFlags flags = mode switch
        {
            XattrSetMode.CreateOnly => XattrFlags.XATTR_CREATE,
            XattrSetMode.ReplaceOnly => XattrFlags.XATTR_REPLACE,
            _ => XattrFlags.XATTR_AUTO,
        };
        Check(Syscall.lsetxattr(Full(path), name, value, flags), "lsetxattr");
    }

    public byte[] GetXattr(string path, string name)
    {
        Check(Syscall.lgetxattr(Full(path), name, out byte[]? value), "lgetxattr");
        return value ?? []; // Mono.Posix gives null for an empty value
    }

    public IReadOnlyList<string> ListXattrs(string path)
    {
        Check(Syscall.llistxattr(Full(path), out string[] names), "llistxattr");
        return [.. names.Order(StringComparer.Ordinal)];
    }

    public void RemoveXattr(string path, string name) => Check(Syscall.lremovexattr(Full(path), name), "lremovexattr");

    public IReadOnlyList<string> ReadDirectory(string path)
    {
        IntPtr directory = Syscall.opendir(Full(path));
        Check(directory == IntPtr.Zero ? -1 : 0, "opendir");
        var names = new List<string>();
        try
        {
            for (Dirent? entry = Syscall.readdir(directory); entry is not null; entry = Syscall.readdir(directory))
            {
                if (entry.d_name is not "." and not "..")
                {
                    names.Add(entry.d_name);
                }
            }
        }
        finally
        {
            Syscall.closedir(directory);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static NodeKind Kind(FilePermissions mode) => (mode & FilePermissions.S_IFMT) switch
    {
        FilePermissions.S_IFDIR => NodeKind.Directory,
        FilePermissions.S_IFLNK => NodeKind.Symlink,
        FilePermissions.S_IFIFO => NodeKind.Fifo,
        FilePermissions.S_IFSOCK => NodeKind.Socket,
        FilePermissions.S_IFCHR => NodeKind.CharDevice,
        FilePermissions.S_IFBLK => NodeKind.BlockDevice,
        _ => NodeKind.File,
    };

    private string Full(string path) => path.Length == 0 ? root : root + "/" + path;
}
