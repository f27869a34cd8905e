// bup's tree-entry name mangling: docs/formats/saved-trees.md, "Name mangling" (git.py mangle_name / demangle_name).
using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>
/// Maps filesystem names to the names bup stores in save trees and back. A chunked regular file
/// <c>x</c> is stored as <c>x.bup</c>; any name matching <c>*.bup</c> or <c>*.bup?</c> gets
/// <c>.bupl</c> appended so it cannot be mistaken for a chunked file or for <c>.bupm</c>.
/// </summary>
public static class NameMangling
{
    /// <summary>The name of the metadata entry of every save-tree directory.</summary>
    public static ReadOnlySpan<byte> BupmName => ".bupm"u8;

    private static ReadOnlySpan<byte> ChunkedSuffix => ".bup"u8;

    private static ReadOnlySpan<byte> LiteralSuffix => ".bupl"u8;

    private static ReadOnlySpan<byte> MetadataSuffix => ".bupm"u8;

    /// <summary>
    /// The tree-entry name for <paramref name="name"/>. <paramref name="isChunkedFile"/> is true for a
    /// regular file stored as a chunk tree (rule 1 wins even if the name already ends in <c>.bup</c>).
    /// </summary>
    public static byte[] Mangle(ReadOnlySpan<byte> name, bool isChunkedFile)
    {
        if (isChunkedFile)
        {
            return [.. name, .. ChunkedSuffix];
        }

        return NeedsLiteralSuffix(name) ? [.. name, .. LiteralSuffix] : name.ToArray();
    }

    /// <summary>True when a name that is not a chunked file must be stored with <c>.bupl</c> appended.</summary>
    public static bool NeedsLiteralSuffix(ReadOnlySpan<byte> name) =>
        name.EndsWith(ChunkedSuffix) || (name.Length > 0 && name[..^1].EndsWith(ChunkedSuffix));

    /// <summary>
    /// The filesystem name for a tree entry, as a slice of <paramref name="name"/>, and whether the
    /// entry is a chunked file whose tree must be reassembled. Checked in bup's order: <c>.bupl</c>,
    /// <c>.bup</c> (chunked), <c>.bupm</c> (chunked only when <paramref name="mode"/> is a tree).
    /// </summary>
    public static ReadOnlySpan<byte> Demangle(ReadOnlySpan<byte> name, GitFileMode mode, out bool isChunked)
    {
        isChunked = false;
        if (name.EndsWith(LiteralSuffix))
        {
            return name[..^LiteralSuffix.Length];
        }

        if (name.EndsWith(ChunkedSuffix))
        {
            isChunked = true;
            return name[..^ChunkedSuffix.Length];
        }

        if (name.EndsWith(MetadataSuffix))
        {
            isChunked = mode == GitFileMode.Tree;
            return name[..^MetadataSuffix.Length];
        }

        return name;
    }
}
