// The one map from storage-core exceptions to neutral filesystem errors; each host then maps
// FsError to its native codes in one place (src/BupFs.Linux/ErrnoMap.cs).
using BupStore.Formats;
using BupStore.Repository;

namespace BupFs;

/// <summary>
/// Turns exceptions raised while serving a request into <see cref="FsException"/>. Everything a
/// damaged or vanished repository can throw becomes <see cref="FsError.Io"/> with a message that
/// names the object or file at fault, so the host can log it and answer EIO for that request only.
/// </summary>
public static class FsErrors
{
    /// <summary>
    /// The neutral error for <paramref name="exception"/>: an <see cref="FsException"/> passes
    /// through unchanged; missing, corrupt or mistyped objects and other I/O failures map to
    /// <see cref="FsError.Io"/>; a permission failure on a repository file maps to
    /// <see cref="FsError.AccessDenied"/>; anything else is an internal failure, also <see cref="FsError.Io"/>.
    /// </summary>
    public static FsException FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            FsException fs => fs,
            ObjectNotFoundException e => new FsException(FsError.Io, $"missing object {e.Id}: {e.Message}", e),
            WrongObjectTypeException e => new FsException(FsError.Io, $"object {e.Id} has the wrong type: {e.Message}", e),
            CorruptObjectException e => new FsException(FsError.Io, e.Message, e), // it starts with the file or object at fault
            RepositoryException e => new FsException(FsError.Io, e.Message, e),
            UnauthorizedAccessException e => new FsException(FsError.AccessDenied, e.Message, e),
            IOException or InvalidDataException => new FsException(FsError.Io, exception.Message, exception),
            _ => new FsException(FsError.Io, $"internal error: {exception.GetType().Name}: {exception.Message}", exception),
        };
    }

    /// <summary>
    /// True for exceptions that describe the repository or the disk rather than a bug: these are
    /// translated where they occur; other exceptions travel to the host, which logs them.
    /// </summary>
    public static bool IsRepositoryFailure(Exception exception) =>
        exception is IOException or InvalidDataException or UnauthorizedAccessException;
}
