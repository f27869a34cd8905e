// errno values used by the POSIX layer (Linux asm-generic numbering, shared by x86_64 and arm64).
namespace BupBackup.Posix.Interop;

/// <summary>The errno numbers the POSIX layer reacts to; everything else is reported as-is.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;
    public const int ERANGE = 34;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;
}
