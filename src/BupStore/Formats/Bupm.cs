// The .bupm file: a concatenation of Metadata objects (docs/formats/saved-trees.md, "The .bupm file"; cmd/save.py _pop).
using System.Buffers;

namespace BupStore.Formats;

/// <summary>
/// Reads and builds the content of a <c>.bupm</c> entry: the directory's own metadata first, then one
/// object per non-directory entry ordered by unmangled name. Content is the joined blob or chunk tree.
/// </summary>
public static class Bupm
{
    /// <summary>
    /// Decodes every Metadata object in <paramref name="content"/> in order; empty objects (<c>00</c>)
    /// appear as null. <paramref name="where"/> names the .bupm (e.g. its object id) in errors.
    /// </summary>
    /// <exception cref="CorruptObjectException">Any object is damaged or truncated.</exception>
    public static List<BupMetadata?> ReadAll(ReadOnlySpan<byte> content, string where)
    {
        var reader = new VIntReader(content, where);
        var result = new List<BupMetadata?>();
        while (!reader.IsAtEnd)
        {
            result.Add(BupMetadata.Decode(ref reader));
        }

        return result;
    }

    /// <summary>
    /// Builds .bupm content as bup save does: <paramref name="directory"/> (null: the empty object)
    /// then the <paramref name="nonDirectories"/> sorted byte-wise by unmangled name (stable for equal
    /// names). Subdirectories must not be passed: their metadata lives in their own .bupm.
    /// </summary>
    public static byte[] Build(BupMetadata? directory, IEnumerable<(byte[] Name, BupMetadata? Metadata)> nonDirectories)
    {
        ArgumentNullException.ThrowIfNull(nonDirectories);
        var entries = nonDirectories.Select((entry, index) => (entry.Name, entry.Metadata, Index: index)).ToList();
        entries.Sort(static (a, b) =>
        {
            var order = a.Name.AsSpan().SequenceCompareTo(b.Name);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        var writer = new ArrayBufferWriter<byte>(64 * (entries.Count + 1));
        Write(writer, directory);
        foreach (var entry in entries)
        {
            Write(writer, entry.Metadata);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> writer, BupMetadata? metadata)
    {
        if (metadata is null)
        {
            writer.Write(BupMetadata.EmptyEncoding);
        }
        else
        {
            metadata.EncodeTo(writer);
        }
    }
}
