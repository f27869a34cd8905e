// What the staging store's failures mean to a program writing into the tree: a full disk is
// ENOSPC (the write fails, nothing acknowledged is lost), the rest of the storage failures EIO.
using Microsoft.Data.Sqlite;

namespace BupFs.Staging;

/// <summary>Translates staging-store exceptions into <see cref="FsException"/>s.</summary>
internal static class StagingErrors
{
    private const int SqliteFull = 13;   // SQLITE_FULL
    private const int SqliteIoErr = 10;  // SQLITE_IOERR
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    /// <summary>True for exceptions that describe the store or the disk rather than a bug.</summary>
    public static bool IsTranslatable(Exception e) =>
        e is SqliteException or StagingException || FsErrors.IsRepositoryFailure(e);

    /// <summary>The neutral error for <paramref name="e"/>.</summary>
    public static FsException FromException(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } => new FsException(FsError.NoSpace, e.Message, e),
        SqliteException { SqliteErrorCode: SqliteIoErr } s when s.SqliteExtendedErrorCode == (SqliteIoErr | (13 << 8)) =>
            new FsException(FsError.NoSpace, e.Message, e), // SQLITE_IOERR_WRITE on a full disk
        SqliteException => new FsException(FsError.Io, $"staging database: {e.Message}", e),
        IOException io when IsNoSpace(io) => new FsException(FsError.NoSpace, e.Message, e),
        IOException io when io.HResult == EDQUOT => new FsException(FsError.QuotaExceeded, e.Message, e),
        _ => FsErrors.FromException(e),
    };

    /// <summary>True when <paramref name="e"/> says the disk is full.</summary>
    public static bool IsNoSpace(IOException e) =>
        e.HResult == ENOSPC || e.Message.Contains("No space left", StringComparison.Ordinal);
}
