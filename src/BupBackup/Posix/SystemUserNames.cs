using BupStore.Saves;

namespace BupBackup.Posix;

/// <summary>
/// <see cref="IUserNames"/> from the system databases through <see cref="UserDatabase"/> (cached
/// for the life of the process, as bup does), for writers of saves that cannot reference BupBackup.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class SystemUserNames : IUserNames
{
    private SystemUserNames()
    {
    }

    /// <summary>The one instance (the cache behind it is process-wide anyway).</summary>
    public static SystemUserNames Instance { get; } = new();

    /// <inheritdoc/>
    public byte[]? UserName(uint uid) => UserDatabase.UserName(uid);

    /// <inheritdoc/>
    public byte[]? GroupName(uint gid) => UserDatabase.GroupName(gid);
}
