using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Fuzz;

/// <summary>Targets for object bodies: trees, commits, .bupm content and bup metadata records.</summary>
internal static class ObjectTargets
{
    /// <summary>The listing a .bupm is paired with: two files, a symlink, a subfolder (no record) and the .bupm.</summary>
    private static readonly TreeEntry[] SaveListing =
    [
        new(GitFileMode.Regular, ".bupm"u8.ToArray(), ObjectId.EmptyBlob),
        new(GitFileMode.Regular, "a.txt"u8.ToArray(), ObjectId.EmptyBlob),
        new(GitFileMode.Symlink, "link"u8.ToArray(), ObjectId.EmptyBlob),
        new(GitFileMode.Tree, "sub"u8.ToArray(), ObjectId.EmptyTree),
        new(GitFileMode.Regular, "z.bup"u8.ToArray(), ObjectId.EmptyTree),
    ];

    /// <summary>Parses a tree body and formats what it read.</summary>
    public static void Tree(ReadOnlySpan<byte> input)
    {
        var entries = TreeCodec.Parse(input, "fuzz tree");
        _ = TreeCodec.Format(entries);
        _ = BupmReader.WithoutBupm(entries);
    }

    /// <summary>Parses a commit body and formats what it read.</summary>
    public static void Commit(ReadOnlySpan<byte> input)
    {
        var commit = CommitCodec.Parse(input, "fuzz commit");
        _ = CommitCodec.Format(commit);
    }

    /// <summary>Reads .bupm content and pairs it with a save listing, as a mounted directory does.</summary>
    public static void Bupm(ReadOnlySpan<byte> input)
    {
        var directory = BupmReader.Read(SaveListing, input, "fuzz .bupm");
        _ = directory.ResolveDirectory();
        foreach (var item in directory.Items)
        {
            _ = item.Resolve();
        }
    }

    /// <summary>
    /// Reads a stream of metadata records (bup meta's file format). Encoding is checked to be
    /// stable: a record read, encoded, decoded and encoded again gives the same bytes. (Object
    /// equality is too strong: like bup, the encoder drops the common record of a mode-0 object.)
    /// </summary>
    public static void Metadata(ReadOnlySpan<byte> input)
    {
        foreach (var record in Formats.Bupm.ReadAll(input, "fuzz metadata"))
        {
            if (record is null || Encode(record) is not { } first)
            {
                continue;
            }

            var again = BupMetadata.Decode(first, "fuzz metadata re-encoded");
            var second = again is null ? BupMetadata.EmptyEncoding.ToArray() : Encode(again);
            if (second is null || !first.AsSpan().SequenceEqual(second))
            {
                throw new InvalidOperationException("metadata encoding is not stable across a decode");
            }
        }
    }

    /// <summary>
    /// The record's encoding with its path, or null when it holds a value bup's single-value
    /// encoders cannot write (vint magnitudes of 2^55 and more; docs/formats/bupm.md): such values
    /// are read, as bup's vint.pack may have written them, but deliberately never written.
    /// </summary>
    private static byte[]? Encode(BupMetadata record)
    {
        try
        {
            return record.Encode(includePath: true);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
