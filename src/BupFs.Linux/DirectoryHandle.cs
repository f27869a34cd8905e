namespace BupFs.Linux;

/// <summary>
/// An open directory: the listing is taken at the first readdir (offset 0) and paged from
/// there, so one opendir sees one consistent listing; a rewind (offset 0 again) re-reads it.
/// </summary>
/// <remarks>The kernel serializes readdir calls on one open directory, so no lock is needed.</remarks>
internal sealed class DirectoryHandle(ulong node, bool immutable)
{
    private IReadOnlyList<DirectoryEntry>? _entries;

    /// <summary>The directory's node id.</summary>
    public ulong Node { get; } = node;

    /// <summary>True when the listing can never change (the kernel may cache it).</summary>
    public bool Immutable { get; } = immutable;

    /// <summary>The listing to page through for a readdir at <paramref name="offset"/>.</summary>
    public IReadOnlyList<DirectoryEntry> Listing(IFileSystem fs, long offset)
    {
        if (offset == 0 || _entries is null)
        {
            _entries = fs.ReadDirectory(Node);
        }

        return _entries;
    }
}
