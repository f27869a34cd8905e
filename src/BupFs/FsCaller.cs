namespace BupFs;

/// <summary>
/// Who asks for an operation that creates something: new nodes take the caller's ids, and the
/// umask (where the host does not apply it itself) masks the permissions asked for.
/// </summary>
/// <param name="Uid">The caller's effective user id.</param>
/// <param name="Gid">The caller's effective group id.</param>
/// <param name="Umask">The caller's umask; 0 when the host applied it already.</param>
/// <param name="ProcessId">The calling process, for messages (0 when unknown).</param>
public readonly record struct FsCaller(uint Uid, uint Gid, uint Umask, int ProcessId);
