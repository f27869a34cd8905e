using BupFs;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Restore;

/// <summary>One node being restored: where it goes and what bup recorded about it.</summary>
internal sealed class RestoreItem
{
    public RestoreItem(ulong inode, NodeKind kind, byte[] relativePath, BupMetadata metadata, ObjectId? objectId)
    {
        Inode = inode;
        Kind = kind;
        RelativePath = relativePath;
        Metadata = metadata;
        ObjectId = objectId;
    }

    /// <summary>The node in the repository view (held by a lookup reference while the item is restored).</summary>
    public ulong Inode { get; }

    /// <summary>The node type.</summary>
    public NodeKind Kind { get; }

    /// <summary>The path below the destination, without a leading '/'; empty for the destination itself.</summary>
    public byte[] RelativePath { get; }

    /// <summary>The record to restore (a symlink's target filled in when the record lacks it).</summary>
    public BupMetadata Metadata { get; }

    /// <summary>The git object behind the node (hardlink candidates must match it).</summary>
    public ObjectId? ObjectId { get; }

    /// <summary>True for the destination itself (a "/." restore).</summary>
    public bool IsDestination => RelativePath.Length == 0;
}
