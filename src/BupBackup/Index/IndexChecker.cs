using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// bup index --check: reads a whole index file and verifies everything a reader relies on: the
/// header and footer, every record's checksum and fields, one root, names in strictly increasing
/// order, each directory's subtree length and record count, the footer's record count, the
/// hardlink table, and (bup's rule) that a record marked valid names an object and its git mode.
/// </summary>
internal static class IndexChecker
{
    /// <summary>Checks the index at <paramref name="path"/>; returns its record count (0 when there is no file).</summary>
    /// <exception cref="CorruptObjectException">The first problem found.</exception>
    public static long Check(string path)
    {
        using var reader = IndexReader.TryOpen(path);
        if (reader is null)
        {
            return 0;
        }

        var count = reader.IsEmpty ? 0 : CheckRecords(reader);
        if (count != reader.Footer.RecordCount)
        {
            throw new CorruptObjectException(path, $"footer says {reader.Footer.RecordCount} records, the file holds {count}", reader.Footer.RecordsEnd);
        }

        _ = reader.ReadLinks();
        return count;
    }

    private static long CheckRecords(IndexReader reader)
    {
        var cursor = new IndexCursor(reader);
        var open = new Stack<(IndexRecord Directory, long CountBefore)>();
        long count = 0;
        while (cursor.MoveNext())
        {
            var record = cursor.Current!;
            CloseFinished(reader, open, record.Path, count);
            CheckValid(reader, record);
            count++;
            if (record.IsDirectory)
            {
                open.Push((record, count));
            }
        }

        CloseFinished(reader, open, null, count);
        return count;
    }

    /// <summary>Checks the descendant counts of the directories that <paramref name="next"/> is not inside.</summary>
    private static void CloseFinished(IndexReader reader, Stack<(IndexRecord Directory, long CountBefore)> open, byte[]? next, long count)
    {
        while (open.Count > 0 && (next is null || !next.AsSpan().StartsWith(open.Peek().Directory.Path)))
        {
            var (dir, before) = open.Pop();
            if (dir.Descendants != count - before)
            {
                throw new CorruptObjectException(reader.FilePath, $"{dir} says it holds {dir.Descendants} records, it holds {count - before}", dir.Offset);
            }
        }
    }

    private static void CheckValid(IndexReader reader, IndexRecord record)
    {
        if (record.IsValid && (record.Id.IsZero || record.GitMode == GitFileMode.None))
        {
            throw new CorruptObjectException(reader.FilePath, $"{record} is marked valid but names no object", record.Offset);
        }
    }
}
