using BupFs.Caching;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>Makes the node a tag shows under /.tag: a commit as a save, a tree as a directory, a blob as a file.</summary>
internal static class TagNodes
{
    /// <summary>
    /// The node for tag <paramref name="name"/> of folder <paramref name="parent"/> pointing at
    /// <paramref name="id"/>, or null for objects a tag cannot show. Its inode number depends on the
    /// peeled object, so a moved tag is a new node.
    /// </summary>
    public static RepoNode? Create(RepoContext context, ulong parent, byte[] name, ObjectId id)
    {
        var target = context.Cache.GetOrAdd(new CacheKey(CacheKind.TagTarget, id), static (store, key) => TagTarget.Peel(store, key.Id), static _ => 64);
        var identity = NodeIdentity.Versioned(parent, name, target.Id);
        switch (target.Type)
        {
            case ObjectType.Commit:
                return new SaveDirectory(context, identity, target.Id, context.Cache.GetCommit(target.Id), $"tag {NameText.Display(name)}");
            case ObjectType.Tree:
                return new TreeDirectory(context, identity, new SaveContext(target.Id, target.Id, $"tag {NameText.Display(name)}"), target.Id, "/");
            case ObjectType.Blob:
                var metadata = MetadataDefaults.For(GitFileMode.Regular, isChunked: false)!;
                return new FileNode(context, identity, null, new TreeEntry(GitFileMode.Regular, name, target.Id), metadata);
            default:
                context.Warn($"tag {NameText.Display(name)} names a {target.Type} object {target.Id}; hidden");
                return null;
        }
    }
}
