using System.Runtime.InteropServices;

namespace Conformance.Drivers;

/// <summary>
/// The libc calls Mono.Posix lacks or wraps awkwardly (descriptors and renameat2), declared here so
/// the mount driver makes exactly the system call a program would. Flag values are Linux's
/// (x86_64 and aarch64 share them; see open(2) and rename(2)).
/// </summary>
internal static partial class LinuxCalls
{
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OTrunc = 0x200;
    public const int OAppend = 0x400;
    public const int OCloExec = 0x80000;
    public const int AtFdCwd = -100;
    public const uint RenameNoReplace = 1;
    public const uint RenameExchange = 2;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static unsafe partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static unsafe partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
