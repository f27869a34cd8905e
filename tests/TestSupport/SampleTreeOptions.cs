namespace TestSupport;

/// <summary>What <see cref="SampleTree.Create"/> puts into a source tree; the defaults are the full list.</summary>
public sealed record SampleTreeOptions
{
    /// <summary>Number of small files spread over nested folders.</summary>
    public int SmallFiles { get; init; } = 2000;

    /// <summary>Apparent size of the sparse file (0 leaves it out).</summary>
    public long SparseSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Size of the incompressible file, big enough for a two-level chunk fanout.</summary>
    public int RandomSize { get; init; } = 3 * 1024 * 1024;

    /// <summary>Size of the text file.</summary>
    public int TextSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>Give some entries uid 12345 / gid 54321 (needs root; ignored otherwise).</summary>
    public bool ForeignOwners { get; init; } = true;

    /// <summary>Set user.* extended attributes on a file, a folder and a symlink-free entry.</summary>
    public bool Xattrs { get; init; } = true;

    /// <summary>Set POSIX ACLs with setfacl where the tool exists.</summary>
    public bool Acls { get; init; } = true;

    /// <summary>Create a character device (needs root; ignored otherwise).</summary>
    public bool Devices { get; init; }

    /// <summary>Create a unix socket.</summary>
    public bool Socket { get; init; }

    /// <summary>Seed for all generated content, so two trees built with the same options are equal.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A small tree for fast tests: every kind of entry, little data.</summary>
    public static SampleTreeOptions Small => new() { SmallFiles = 40, SparseSize = 4L * 1024 * 1024, RandomSize = 300_000, TextSize = 100_000 };
}
