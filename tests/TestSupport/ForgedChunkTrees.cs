namespace TestSupport;

/// <summary>
/// Chunk trees that are not what bup's hashsplit writes (docs/formats/hashsplit.md, "Reading back and seeking"), built with git
/// plumbing from three chunk blobs of 1000, 2000 and 500 bytes: wrong entry types, names that are
/// not the running offsets, and sizes that disagree with the offsets.
/// </summary>
public static class ForgedChunkTrees
{
    /// <summary>Every variant <see cref="Build"/> knows.</summary>
    public static readonly string[] Variants =
    [
        "symlink-entry", "gitlink-entry", "name-not-hex", "first-not-zero", "offset-gap",
        "subtree-shorter-than-its-span", "subtree-past-its-span", "blob-as-subtree", "tree-as-chunk",
    ];

    /// <summary>
    /// Writes variant <paramref name="variant"/>; returns the top tree's id and the id an error about
    /// it must name (the tree or chunk at fault).
    /// </summary>
    public static (string Top, string Culprit) Build(GitPlumbing git, string variant)
    {
        var c0 = git.Blob(Chunk(0));
        var c1 = git.Blob(Chunk(1));
        var c2 = git.Blob(Chunk(2));
        var good = git.Tree(("100644", "000", c0), ("100644", "3e8", c1));
        string Top(params (string Mode, string Name, string Id)[] entries) => git.Tree(entries);
        switch (variant)
        {
            case "symlink-entry":
                return Same(Top(("100644", "000", c0), ("120000", "3e8", c1), ("100644", "bb8", c2)));
            case "gitlink-entry":
                return Same(Top(("100644", "000", c0), ("160000", "3e8", c1), ("100644", "bb8", c2)));
            case "name-not-hex":
                return Same(Top(("100644", "000", c0), ("100644", "3e8", c1), ("100644", "xyz", c2)));
            case "first-not-zero":
                return Same(Top(("100644", "001", c0), ("100644", "3e9", c1), ("100644", "bb9", c2)));
            case "offset-gap":
                return Same(Top(("100644", "000", c0), ("100644", "3e9", c1), ("100644", "bb9", c2)));
            case "subtree-shorter-than-its-span":
                return (Top(("40000", "000", good), ("100644", "bb9", c2)), good);
            case "subtree-past-its-span":
                return (Top(("40000", "000", good), ("100644", "3e8", c2)), good);
            case "blob-as-subtree":
                return (Top(("40000", "000", c0), ("100644", "3e8", c1)), c0);
            case "tree-as-chunk":
                return (Top(("100644", "000", good), ("100644", "bb8", c2)), good);
            default:
                throw new ArgumentException($"no variant {variant}", nameof(variant));
        }
    }

    /// <summary>The three chunks one after another: all a reader may output before it finds the damage.</summary>
    public static byte[] Chunks() => [.. Chunk(0), .. Chunk(1), .. Chunk(2)];

    private static (string, string) Same(string id) => (id, id);

    // Distinct, recognisable content per chunk: 1000, 2000 and 500 bytes.
    private static byte[] Chunk(int i)
    {
        var data = new byte[i switch { 0 => 1000, 1 => 2000, _ => 500 }];
        new Random(i + 1).NextBytes(data);
        return data;
    }
}
