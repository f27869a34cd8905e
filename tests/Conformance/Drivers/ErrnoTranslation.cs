using BupFs;
using Mono.Unix.Native;

namespace Conformance.Drivers;

/// <summary>
/// errno back to the neutral error, the inverse of the Linux host's table (docs/fuse-interop.md,
/// "errno values"), so a case compares one <see cref="FsError"/> whichever driver ran it.
/// </summary>
internal static class ErrnoTranslation
{
    private static readonly Dictionary<Errno, FsError> Table = new()
    {
        [Errno.ENOENT] = FsError.NotFound,
        [Errno.ENOTDIR] = FsError.NotDirectory,
        [Errno.EISDIR] = FsError.IsDirectory,
        [Errno.EEXIST] = FsError.Exists,
        [Errno.ENOTEMPTY] = FsError.NotEmpty,
        [Errno.EROFS] = FsError.ReadOnly,
        [Errno.ENAMETOOLONG] = FsError.NameTooLong,
        [Errno.EINVAL] = FsError.InvalidArgument,
        [Errno.ENODATA] = FsError.NoAttribute,
        [Errno.ERANGE] = FsError.Range,
        [Errno.EOPNOTSUPP] = FsError.NotSupported,
        [Errno.EACCES] = FsError.AccessDenied,
        [Errno.EBADF] = FsError.BadHandle,
        [Errno.ENOSPC] = FsError.NoSpace,
        [Errno.EIO] = FsError.Io,
        [Errno.ELOOP] = FsError.Loop,
        [Errno.EPERM] = FsError.NotPermitted,
        [Errno.EXDEV] = FsError.CrossDevice,
        [Errno.EMLINK] = FsError.TooManyLinks,
        [Errno.EFBIG] = FsError.FileTooLarge,
        [Errno.EBUSY] = FsError.Busy,
        [Errno.EDQUOT] = FsError.QuotaExceeded,
    };

    /// <summary>Throws the neutral error for the calling thread's errno when <paramref name="result"/> is negative.</summary>
    public static long Check(long result, string what)
    {
        return result >= 0 ? result : throw Error(Stdlib.GetLastError(), what);
    }

    /// <summary>As <see cref="Check"/> for calls declared with SetLastError (errno read through the marshaller).</summary>
    public static long CheckMarshalled(long result, string what)
    {
        return result >= 0 ? result : throw Error(NativeConvert.ToErrno(System.Runtime.InteropServices.Marshal.GetLastPInvokeError()), what);
    }

    private static FsException Error(Errno errno, string what) =>
        Table.TryGetValue(errno, out FsError error)
            ? new FsException(error, $"{what}: {errno}")
            : new FsException(FsError.Io, $"{what}: unexpected {errno}");
}
