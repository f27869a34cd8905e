using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// What makes two node objects the same node: the inputs of its inode number. The node table
/// compares identities to tell a second lookup of a node from a hash collision.
/// </summary>
internal sealed class NodeIdentity : IEquatable<NodeIdentity>
{
    private NodeIdentity(NodeFlavor flavor, ulong parent, byte[] name, ObjectId version)
    {
        Flavor = flavor;
        Parent = parent;
        Name = name;
        Version = version;
    }

    /// <summary>The identity of the root.</summary>
    public static NodeIdentity Root { get; } = new(NodeFlavor.Root, 0, [], ObjectId.Zero);

    /// <summary>How the inode number is derived.</summary>
    public NodeFlavor Flavor { get; }

    /// <summary>The parent's inode number (0 for the root and hardlink groups).</summary>
    public ulong Parent { get; }

    /// <summary>The entry name, or the group key (<see cref="HardlinkGroupKey"/>) for a hardlink group.</summary>
    public byte[] Name { get; }

    /// <summary>The object a versioned name stands for, or the save of a hardlink group.</summary>
    public ObjectId Version { get; }

    /// <summary>A plain entry <paramref name="name"/> of <paramref name="parent"/>.</summary>
    public static NodeIdentity Entry(ulong parent, byte[] name) => new(NodeFlavor.Entry, parent, name, ObjectId.Zero);

    /// <summary>A name of <paramref name="parent"/> that stands for object <paramref name="version"/>.</summary>
    public static NodeIdentity Versioned(ulong parent, byte[] name, ObjectId version) => new(NodeFlavor.Versioned, parent, name, version);

    /// <summary>A ref folder <paramref name="name"/> of <paramref name="parent"/>.</summary>
    public static NodeIdentity Folder(ulong parent, byte[] name) => new(NodeFlavor.Folder, parent, name, ObjectId.Zero);

    /// <summary>The hardlink group with key <paramref name="target"/> of save <paramref name="save"/>.</summary>
    public static NodeIdentity Hardlink(ObjectId save, byte[] target) => new(NodeFlavor.Hardlink, 0, target, save);

    /// <summary>The inode number this identity gets when nothing else has it.</summary>
    public ulong PreferredInode() => Flavor switch
    {
        NodeFlavor.Root => InodeNumbers.Root,
        NodeFlavor.Entry => InodeNumbers.Derive(Parent, Name),
        NodeFlavor.Versioned => InodeNumbers.Derive(Parent, Name, Version),
        NodeFlavor.Folder => InodeNumbers.DeriveFolder(Parent, Name),
        _ => InodeNumbers.ForHardlink(Version, Name),
    };

    /// <inheritdoc/>
    public bool Equals(NodeIdentity? other) =>
        other is not null && Flavor == other.Flavor && Parent == other.Parent && Version == other.Version
        && Name.AsSpan().SequenceEqual(other.Name);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NodeIdentity);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Flavor, Parent, Version, ByteArrayComparer.Instance.GetHashCode(Name));
}
