using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests.Support;

/// <summary>Packs of blobs written entry by entry, with whatever zlib stream and declared size a test wants.</summary>
internal static class BlobPacks
{
    /// <summary>Writes one pack of <paramref name="entries"/> under <paramref name="objectsDir"/>/pack; returns its path.</summary>
    public static string Write(string objectsDir, IEnumerable<(ObjectId Id, long Size, byte[] Zlib)> entries)
    {
        using var writer = new PackWriter(objectsDir);
        foreach (var (id, size, zlib) in entries)
        {
            writer.Append(id, ObjectType.Blob, size, zlib);
        }

        return writer.Finish() ?? throw new InvalidOperationException("no entry was written");
    }
}
