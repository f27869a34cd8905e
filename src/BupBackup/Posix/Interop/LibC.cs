// glibc entry points the POSIX layer needs. Paths are NUL-terminated byte strings (never .NET
// strings) so that names which are not UTF-8 survive. Variadic functions (open, ioctl) are bound
// with their fixed three-argument form, the usual practice on the x86_64 and arm64 Linux ABIs.
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>Raw libc imports; every call sets the last P/Invoke error for errno.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirfd, byte* path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport(Library, EntryPoint = "readlink", SetLastError = true)]
    public static partial nint ReadLink(byte* path, byte* buffer, nuint size);

    [LibraryImport(Library, EntryPoint = "llistxattr", SetLastError = true)]
    public static partial nint LListXattr(byte* path, byte* list, nuint size);

    [LibraryImport(Library, EntryPoint = "lgetxattr", SetLastError = true)]
    public static partial nint LGetXattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport(Library, EntryPoint = "lsetxattr", SetLastError = true)]
    public static partial int LSetXattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport(Library, EntryPoint = "lremovexattr", SetLastError = true)]
    public static partial int LRemoveXattr(byte* path, byte* name);

    [LibraryImport(Library, EntryPoint = "lchown", SetLastError = true)]
    public static partial int LChown(byte* path, uint uid, uint gid);

    [LibraryImport(Library, EntryPoint = "chmod", SetLastError = true)]
    public static partial int Chmod(byte* path, uint mode);

    [LibraryImport(Library, EntryPoint = "mknod", SetLastError = true)]
    public static partial int Mknod(byte* path, uint mode, ulong device);

    [LibraryImport(Library, EntryPoint = "mkfifo", SetLastError = true)]
    public static partial int Mkfifo(byte* path, uint mode);

    [LibraryImport(Library, EntryPoint = "mkdir", SetLastError = true)]
    public static partial int Mkdir(byte* path, uint mode);

    [LibraryImport(Library, EntryPoint = "rmdir", SetLastError = true)]
    public static partial int Rmdir(byte* path);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    [LibraryImport(Library, EntryPoint = "symlink", SetLastError = true)]
    public static partial int Symlink(byte* target, byte* path);

    [LibraryImport(Library, EntryPoint = "link", SetLastError = true)]
    public static partial int Link(byte* existing, byte* path);

    [LibraryImport(Library, EntryPoint = "utimensat", SetLastError = true)]
    public static partial int Utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, uint length);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Library, EntryPoint = "getgroups", SetLastError = true)]
    public static partial int GetGroups(int size, uint* list);

    [LibraryImport(Library, EntryPoint = "getpwuid_r")]
    public static partial int GetPwUid(uint uid, PasswdEntry* entry, byte* buffer, nuint size, PasswdEntry** result);

    [LibraryImport(Library, EntryPoint = "getpwnam_r")]
    public static partial int GetPwNam(byte* name, PasswdEntry* entry, byte* buffer, nuint size, PasswdEntry** result);

    [LibraryImport(Library, EntryPoint = "getgrgid_r")]
    public static partial int GetGrGid(uint gid, GroupEntry* entry, byte* buffer, nuint size, GroupEntry** result);

    [LibraryImport(Library, EntryPoint = "getgrnam_r")]
    public static partial int GetGrNam(byte* name, GroupEntry* entry, byte* buffer, nuint size, GroupEntry** result);
}
