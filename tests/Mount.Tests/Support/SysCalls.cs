using Mono.Unix.Native;

namespace Mount.Tests.Support;

/// <summary>Exact errno values of system calls on the mount (System.IO maps several to one exception type).</summary>
internal static class SysCalls
{
    /// <summary>0 when lstat of <paramref name="path"/> succeeds, else its errno.</summary>
    public static Mono.Unix.Native.Errno LStat(string path) =>
        Syscall.lstat(path, out _) == 0 ? 0 : Stdlib.GetLastError();

    /// <summary>0 when opendir of <paramref name="path"/> succeeds, else its errno.</summary>
    public static Mono.Unix.Native.Errno OpenDirectory(string path)
    {
        IntPtr directory = Syscall.opendir(path);
        if (directory == IntPtr.Zero)
        {
            return Stdlib.GetLastError();
        }

        Syscall.closedir(directory);
        return 0;
    }

    /// <summary>0 when open(O_RDONLY) of <paramref name="path"/> succeeds, else its errno.</summary>
    public static Mono.Unix.Native.Errno Open(string path, OpenFlags flags = OpenFlags.O_RDONLY)
    {
        int fd = Syscall.open(path, flags);
        if (fd < 0)
        {
            return Stdlib.GetLastError();
        }

        Syscall.close(fd);
        return 0;
    }
}
