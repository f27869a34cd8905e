// The only place in bupfs that knows errno numbers (x86_64/aarch64 Linux values, listed in
// docs/fuse-interop.md, "errno values"). Everything above the host speaks FsError.
namespace BupFs.Linux;

/// <summary>Translates neutral filesystem errors and exceptions to Linux errno values.</summary>
internal static class ErrnoMap
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int EMLINK = 31;
    public const int ERANGE = 34;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;
    public const int ENOTCONN = 107;
    public const int EDQUOT = 122;

    /// <summary>The errno for a neutral error.</summary>
    public static int FromError(FsError error) => error switch
    {
        FsError.NotFound => ENOENT,
        FsError.NotDirectory => ENOTDIR,
        FsError.IsDirectory => EISDIR,
        FsError.Exists => EEXIST,
        FsError.NotEmpty => ENOTEMPTY,
        FsError.ReadOnly => EROFS,
        FsError.NameTooLong => ENAMETOOLONG,
        FsError.InvalidArgument => EINVAL,
        FsError.NoAttribute => ENODATA,
        FsError.Range => ERANGE,
        FsError.NotSupported => EOPNOTSUPP,
        FsError.AccessDenied => EACCES,
        FsError.BadHandle => EBADF,
        FsError.NoSpace => ENOSPC,
        FsError.Loop => ELOOP,
        FsError.NotPermitted => EPERM,
        FsError.CrossDevice => EXDEV,
        FsError.TooManyLinks => EMLINK,
        FsError.FileTooLarge => EFBIG,
        FsError.Busy => EBUSY,
        FsError.QuotaExceeded => EDQUOT,
        _ => EIO,
    };

    /// <summary>
    /// The errno for an exception: an <see cref="FsException"/> maps through its error; anything
    /// else is an internal failure (corrupt object, bug) and becomes EIO.
    /// </summary>
    public static int FromException(Exception exception) =>
        exception is FsException fs ? FromError(fs.Error) : EIO;

    /// <summary>The short C name of an errno we produce, for traces ("ENOENT").</summary>
    public static string Name(int errno) => errno switch
    {
        0 => "OK",
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EIO => "EIO",
        EBADF => "EBADF",
        EACCES => "EACCES",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        EXDEV => "EXDEV",
        ENOTDIR => "ENOTDIR",
        EISDIR => "EISDIR",
        EINVAL => "EINVAL",
        EFBIG => "EFBIG",
        ENOSPC => "ENOSPC",
        EROFS => "EROFS",
        EMLINK => "EMLINK",
        ERANGE => "ERANGE",
        ENAMETOOLONG => "ENAMETOOLONG",
        ENOTEMPTY => "ENOTEMPTY",
        ELOOP => "ELOOP",
        ENODATA => "ENODATA",
        EOPNOTSUPP => "EOPNOTSUPP",
        EDQUOT => "EDQUOT",
        _ => "errno " + errno,
    };
}
