using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Index;

/// <summary>
/// One index pass over one root: merges the sorted stream of paths found on disk with the sorted
/// records of the old index into the new index. Old records outside the root are copied whole;
/// old records inside it that were not found are dropped (deleted); found paths keep their record
/// when the inode is unchanged and get fresh metadata (and lose validity) when it is not.
/// </summary>
/// <remarks>Not thread-safe; one pass at a time.</remarks>
internal sealed class IndexMerge
{
    private readonly IndexReader? _old;
    private readonly IndexCursor? _cursor;
    private readonly IndexWriter _writer;
    private readonly HardlinkTable _links;
    private readonly byte[] _root;
    private readonly IndexOptions _options;
    private readonly IndexStatistics _stats;
    private readonly BupTimespec _racyAfter;

    public IndexMerge(IndexReader? old, IndexWriter writer, HardlinkTable links, byte[] indexRoot, IndexOptions options, IndexStatistics stats)
    {
        _old = old;
        _cursor = old is null || old.IsEmpty ? null : new IndexCursor(old);
        _writer = writer;
        _links = links;
        _root = indexRoot;
        _options = options;
        _stats = stats;
        // bup's tmax: a timestamp this recent may not change when the file does; recheck next time.
        _racyAfter = BupTimespec.FromUnixNanoseconds((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000) * 1_000_000);
        _cursor?.MoveNext();
    }

    /// <summary>Merges <paramref name="found"/> (in index order) and copies the rest of the old index.</summary>
    public void Run(IEnumerable<NewEntry> found)
    {
        foreach (var entry in found)
        {
            _stats.Walked++;
            CatchUp(entry.IndexPath);
            var old = _cursor?.Current is { } c && c.Path.AsSpan().SequenceEqual(entry.IndexPath) ? c : null;
            var record = Refresh(entry, old);
            if (old is not null)
            {
                _cursor!.MoveNext();
            }

            if (record is null)
            {
                _writer.InvalidateAncestorsOf(entry.IndexPath);
                continue;
            }

            _writer.Add(record);
            _links.See(record);
            _options.OnRecord?.Invoke(record.Path, record);
        }

        CatchUp(null);
    }

    private void CatchUp(byte[]? limit)
    {
        while (_cursor?.Current is { } c && (limit is null || c.Path.AsSpan().SequenceCompareTo(limit) < 0))
        {
            if (PathNames.IsWithin(c.Path, _root))
            {
                _stats.Deleted += 1 + c.Descendants;
                _writer.InvalidateAncestorsOf(c.Path);
            }
            else
            {
                _writer.CopySubtree(c, _old!);
            }

            _cursor.SkipSubtree();
            _cursor.MoveNext();
        }
    }

    private IndexRecord? Refresh(NewEntry entry, IndexRecord? old)
    {
        if (entry.IsSynthetic)
        {
            return old is { IsSynthetic: true } ? old : Synthetic(entry.IndexPath);
        }

        if (old is { IsSynthetic: false } && !old.IsStale(entry.Status, _options.CheckDevice))
        {
            old.RealPath = entry.RealPath; // a tree moved under a graft keeps its records
            return old;
        }

        if (old is null)
        {
            _stats.Added++;
        }
        else
        {
            _stats.Changed++;
        }

        return Fresh(entry);
    }

    private IndexRecord? Fresh(NewEntry entry)
    {
        var record = new IndexRecord
        {
            Path = entry.IndexPath,
            RealPath = entry.RealPath,
            Status = entry.Status,
            Flags = IsRacy(entry.Status) ? IndexFlags.Racy : IndexFlags.None,
        };
        try
        {
            var warnings = new List<string>();
            record.Metadata = MetadataReader.FromPath(PathNames.ForSystem(entry.RealPath), null, normalized: true, warnings).Encode();
            warnings.ForEach(Warn);
        }
        catch (Exception e) when (e is PosixException or IOException)
        {
            Warn(e.Message);
            if (!record.IsDirectory)
            {
                return null; // bup skips it; a directory stays so that its contents keep a parent
            }
        }

        return record;
    }

    private bool IsRacy(in FileStatus status) => status.Mtime.CompareTo(_racyAfter) >= 0 || status.Ctime.CompareTo(_racyAfter) >= 0;

    /// <summary>A directory that is only a place in the archive (above an index graft).</summary>
    public static IndexRecord Synthetic(byte[] path) => new()
    {
        Path = path,
        RealPath = [],
        Flags = IndexFlags.Synthetic,
        Status = new FileStatus { Mode = (uint)PosixFileType.Directory | 0x1ED },
    };

    private void Warn(string message)
    {
        _stats.Warnings++;
        _options.OnWarning?.Invoke(message);
    }

    /// <inheritdoc/>
    public override string ToString() => $"index pass over {NameText.Display(_root)}";
}
