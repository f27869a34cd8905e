namespace BupFs.Repo;

/// <summary>
/// <c>/</c>: one folder per branch (refs/heads/*; names with '/' as nested folders) and <c>.tag</c>.
/// Mode 0755, times = the newest branch tip's author time.
/// </summary>
internal sealed class RootDirectory : RefFolder
{
    /// <summary>The name of the tags folder.</summary>
    public static readonly byte[] TagFolderName = ".tag"u8.ToArray();

    public RootDirectory(RepoContext context)
        : base(context, NodeIdentity.Root, RefNamespace.Heads, [])
    {
    }

    /// <inheritdoc/>
    protected override SortedDictionary<byte[], RefEntry?> Children()
    {
        var children = base.Children();
        children[TagFolderName] = null; // branch names cannot start with '.', so this never hides one
        return children;
    }

    /// <inheritdoc/>
    protected override RepoNode? CreateChild(byte[] name, RefEntry? leaf) =>
        leaf is null && name.AsSpan().SequenceEqual(TagFolderName)
            ? new TagDirectory(Context, NodeIdentity.Entry(Inode, TagFolderName))
            : base.CreateChild(name, leaf);
}
