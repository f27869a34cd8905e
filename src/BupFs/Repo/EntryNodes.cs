namespace BupFs.Repo;

/// <summary>Makes the node for one entry of a save directory.</summary>
internal static class EntryNodes
{
    /// <summary>
    /// The node of <paramref name="entry"/> in <paramref name="parent"/>. Entries of a hardlink group
    /// get the group's identity (so one inode per group and save; <see cref="HardlinkGroupKey"/>);
    /// others are named by (parent, name).
    /// </summary>
    public static RepoNode Create(TreeDirectory parent, ListingEntry entry)
    {
        var context = parent.Context;
        var identity = entry.HardlinkKey is { } key
            ? NodeIdentity.Hardlink(parent.Save.Key, key)
            : NodeIdentity.Entry(parent.Inode, entry.Name);
        var metadata = entry.Metadata!;
        return entry.Kind switch
        {
            NodeKind.Directory => new TreeDirectory(context, identity, parent.Save, entry.Entry.Id, parent.ChildPath(entry.Name)),
            NodeKind.File => new FileNode(context, identity, parent.Save, entry.Entry, metadata),
            NodeKind.Symlink => new SymlinkNode(context, identity, parent.Save, entry.Entry, metadata),
            _ => new SpecialNode(context, identity, parent.Save, entry.Entry, metadata, entry.Kind),
        };
    }
}
