namespace BupFs.Linux.Tests;

/// <summary>One node of <see cref="MemoryWritableFileSystem"/>; touched only under its lock.</summary>
internal sealed class MemoryNode
{
    public required ulong Id { get; init; }

    public required NodeKind Kind { get; init; }

    public uint Permissions { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public ulong RawDevice { get; init; }

    /// <summary>File content; only the first <see cref="Length"/> bytes count.</summary>
    public byte[] Data { get; set; } = [];

    public long Length { get; set; }

    public byte[]? Target { get; init; }

    /// <summary>Names of a directory's entries, in creation order (the listing order hosts page through).</summary>
    public List<(byte[] Name, MemoryNode Node)> Children { get; } = [];

    public List<(byte[] Name, byte[] Value)> ExtendedAttributes { get; } = [];

    /// <summary>How many directory entries name this node.</summary>
    public uint Names { get; set; }

    public FsTime AccessTime { get; set; }

    public FsTime ModifyTime { get; set; }

    public FsTime ChangeTime { get; set; }

    public NodeAttributes Attributes => new()
    {
        Kind = Kind,
        Mode = AttributeEncoder.TypeBits(Kind) | Permissions,
        Size = Kind switch
        {
            NodeKind.File => Length,
            NodeKind.Symlink => Target!.Length,
            _ => 0,
        },
        Inode = Id,
        LinkCount = Kind == NodeKind.Directory ? 2u + (uint)Children.Count(child => child.Node.Kind == NodeKind.Directory) : Names,
        Uid = Uid,
        Gid = Gid,
        RawDevice = RawDevice,
        AccessTime = AccessTime,
        ModifyTime = ModifyTime,
        ChangeTime = ChangeTime,
        Immutable = false,
    };

    /// <summary>The child called <paramref name="name"/>, or null.</summary>
    public MemoryNode? Child(ReadOnlySpan<byte> name)
    {
        foreach ((byte[] childName, MemoryNode child) in Children)
        {
            if (childName.AsSpan().SequenceEqual(name))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>Index of the entry called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < Children.Count; i++)
        {
            if (Children[i].Name.AsSpan().SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets the file's length, zero-filling what it grows by.</summary>
    public void Resize(long length)
    {
        if (length > Data.Length)
        {
            byte[] grown = new byte[Math.Max(length, Data.Length * 2L)];
            Data.AsSpan(0, (int)Length).CopyTo(grown);
            Data = grown;
        }
        else if (length < Length)
        {
            Data.AsSpan((int)length, (int)(Length - length)).Clear();
        }

        Length = length;
    }
}
