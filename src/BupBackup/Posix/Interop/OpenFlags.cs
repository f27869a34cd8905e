// open(2) flags. Most are shared by the generic and x86 Linux ABIs; O_NOFOLLOW and O_DIRECTORY
// differ on arm64, so they are chosen at run time.
using System.Runtime.InteropServices;

namespace BupBackup.Posix.Interop;

/// <summary>The open(2) flag values the POSIX layer uses.</summary>
internal static class OpenFlags
{
    public const int ReadOnly = 0x0;
    public const int WriteOnly = 0x1;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int NonBlock = 0x800;
    public const int NoAccessTime = 0x40000;
    public const int CloseOnExec = 0x80000;

    /// <summary>O_DIRECTORY: 0o200000 on x86/x86_64, 0o40000 on arm and arm64.</summary>
    public static int Directory { get; } =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>O_NOFOLLOW: 0o400000 on x86/x86_64, 0o100000 on arm and arm64.</summary>
    public static int NoFollow { get; } =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x8000 : 0x20000;
}
