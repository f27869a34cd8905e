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

    /// <summary>0 when rmdir succeeds, else its errno.</summary>
    public static Errno Rmdir(string path) => Syscall.rmdir(path) == 0 ? 0 : Stdlib.GetLastError();

    /// <summary>0 when mkdir (0755) succeeds, else its errno.</summary>
    public static Errno Mkdir(string path) =>
        Syscall.mkdir(path, FilePermissions.S_IRWXU | FilePermissions.S_IRGRP | FilePermissions.S_IXGRP | FilePermissions.S_IROTH | FilePermissions.S_IXOTH) == 0 ? 0 : Stdlib.GetLastError();

    /// <summary>0 when rename succeeds, else its errno.</summary>
    public static Errno Rename(string from, string to) => Stdlib.rename(from, to) == 0 ? 0 : Stdlib.GetLastError();
}
