namespace BupBackup.Index;

/// <summary>Finds one path in an index file by descending from the root, skipping unrelated subtrees whole.</summary>
internal static class IndexSearch
{
    /// <summary>The record for <paramref name="path"/> (index form: a directory ends in '/'), or null.</summary>
    public static IndexRecord? Find(IndexReader reader, ReadOnlySpan<byte> path)
    {
        if (reader.IsEmpty)
        {
            return null;
        }

        var cursor = new IndexCursor(reader);
        while (cursor.MoveNext())
        {
            var record = cursor.Current!;
            if (record.Path.AsSpan().SequenceEqual(path))
            {
                return record;
            }

            var order = record.Path.AsSpan().SequenceCompareTo(path);
            if (order > 0)
            {
                return null;
            }

            if (!(record.IsDirectory && path.StartsWith(record.Path)))
            {
                cursor.SkipSubtree();
            }
        }

        return null;
    }
}
