// The few glibc calls the host needs besides libfuse. "libc" resolves to the process's glibc.
using System.Runtime.InteropServices;

namespace BupFs.Linux.Interop;

/// <summary>glibc entry points: privilege check, unmount, path resolution and a liveness probe.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    /// <summary><c>umount2</c> flag: detach now, clean up when the last user is gone.</summary>
    public const int MountDetach = 2;

    /// <summary>Effective user id (0 = root, who may call umount2 directly).</summary>
    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary><c>umount2(target, flags)</c>; returns 0 or -1 with errno.</summary>
    [LibraryImport(Library, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unmount2(string target, int flags);

    /// <summary><c>statfs(path, buf)</c>; the buffer must hold a struct statfs (120 bytes on x86_64).</summary>
    [LibraryImport(Library, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatFs(string path, byte* buffer);

    /// <summary><c>realpath(path, NULL)</c>: a malloc'd canonical path or NULL.</summary>
    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint RealPath(string path, nint resolved);

    /// <summary><c>free</c>, for what realpath returned.</summary>
    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(nint pointer);

    /// <summary>glibc's <c>dlvsym</c>: a symbol at one exact version node.</summary>
    [LibraryImport(Library, EntryPoint = "dlvsym", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DlVSym(nint handle, string symbol, string version);

    /// <summary>The canonical form of <paramref name="path"/> (symlinks resolved), or null with errno.</summary>
    public static string? Canonicalize(string path)
    {
        nint resolved = RealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>Runs statfs on <paramref name="path"/>; returns 0 or the errno it failed with.</summary>
    public static int ProbeStatFs(string path)
    {
        byte* buffer = stackalloc byte[256];
        return StatFs(path, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
