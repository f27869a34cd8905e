namespace BupStore.Saves;

/// <summary>
/// Names for the uid and gid of new metadata records (docs/formats/bupm.md, "The common record
/// (tag 10)": bup records the user and group names beside the ids, empty when the system has
/// none). The system's implementation needs libc, which the storage layer does not know, so
/// writers of saves below BupBackup are given one (BupBackup.Posix.SystemUserNames).
/// </summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public interface IUserNames
{
    /// <summary>The login name of <paramref name="uid"/>, or null if the system has none (record it as empty).</summary>
    byte[]? UserName(uint uid);

    /// <summary>The name of group <paramref name="gid"/>, or null if the system has none (record it as empty).</summary>
    byte[]? GroupName(uint gid);
}
