namespace BupBackup.Save;

/// <summary>One directory level of a saved path: its name in the archive ("" for the root) and the
/// index path of the directory whose metadata it carries, or null for a level that exists only in
/// the archive (bup's (name, None) components of a graft).</summary>
/// <param name="Name">The name in the archive.</param>
/// <param name="IndexPath">The index path (ending in '/'), or null.</param>
internal readonly record struct ArchiveComponent(byte[] Name, byte[]? IndexPath)
{
    /// <summary>Same name and same source directory.</summary>
    public bool SameAs(ArchiveComponent other) =>
        Name.AsSpan().SequenceEqual(other.Name) && (IndexPath ?? []).AsSpan().SequenceEqual(other.IndexPath ?? []);
}
