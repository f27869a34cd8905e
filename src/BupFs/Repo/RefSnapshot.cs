namespace BupFs.Repo;

/// <summary>The branches and tags as read at one moment, each list sorted byte-wise by name.</summary>
internal sealed class RefSnapshot
{
    public RefSnapshot(IReadOnlyList<RefEntry> heads, IReadOnlyList<RefEntry> tags, long readAt)
    {
        Heads = heads;
        Tags = tags;
        ReadAt = readAt;
    }

    /// <summary>refs/heads/*.</summary>
    public IReadOnlyList<RefEntry> Heads { get; }

    /// <summary>refs/tags/*.</summary>
    public IReadOnlyList<RefEntry> Tags { get; }

    /// <summary>When it was read (Environment.TickCount64).</summary>
    public long ReadAt { get; }

    /// <summary>The refs of <paramref name="space"/>.</summary>
    public IReadOnlyList<RefEntry> Of(RefNamespace space) => space == RefNamespace.Heads ? Heads : Tags;

    /// <summary>The ref <paramref name="name"/> of <paramref name="space"/>, or null.</summary>
    public RefEntry? Find(RefNamespace space, ReadOnlySpan<byte> name)
    {
        foreach (var entry in Of(space))
        {
            if (entry.Name.AsSpan().SequenceEqual(name))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The same refs with a new read time.</summary>
    public RefSnapshot Renewed(long readAt) => new(Heads, Tags, readAt);

    /// <summary>True when both snapshots name the same refs with the same objects.</summary>
    public bool SameAs(RefSnapshot other) => Same(Heads, other.Heads) && Same(Tags, other.Tags);

    private static bool Same(IReadOnlyList<RefEntry> a, IReadOnlyList<RefEntry> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Id != b[i].Id || !a[i].Name.AsSpan().SequenceEqual(b[i].Name))
            {
                return false;
            }
        }

        return true;
    }
}
