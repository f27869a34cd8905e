// libc calls the index walk needs beyond the POSIX layer: directory listing and realpath, with
// names as bytes so that names which are not UTF-8 survive.
using System.Runtime.InteropServices;

namespace BupBackup.Index.Interop;

/// <summary>Raw imports; every call sets the last P/Invoke error for errno.</summary>
internal static unsafe partial class DirectoryNative
{
    private const string Library = "libc";

    /// <summary>Offset of <c>d_name</c> in glibc's <c>struct dirent64</c> (ino 8, off 8, reclen 2, type 1).</summary>
    public const int NameOffset = 19;

    [LibraryImport(Library, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    [LibraryImport(Library, EntryPoint = "readdir64", SetLastError = true)]
    public static partial byte* ReadDir(nint dir);

    [LibraryImport(Library, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint dir);

    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* RealPath(byte* path, byte* resolved);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(void* pointer);
}
