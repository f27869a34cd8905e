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
    private const int BatchSize = 256;

    /// <summary>The id --fake-valid gives records that name no object (bup's FAKE_SHA): no repository holds it.</summary>
    internal static readonly ObjectId FakeId = ObjectId.FromBytes(Enumerable.Repeat((byte)1, ObjectId.Size).ToArray());
    private readonly IndexReader? _old;
    private readonly IndexCursor? _cursor;
    private readonly IndexWriter _writer;
    private readonly HardlinkTable _links;
    private readonly byte[] _root;
    private readonly IndexOptions _options;
    private readonly IndexStatistics _stats;
    private readonly BupTimespec _start;
    private readonly List<Step> _batch = [];

    public IndexMerge(IndexReader? old, IndexWriter writer, HardlinkTable links, byte[] indexRoot, IndexOptions options, IndexStatistics stats)
    {
        _old = old;
        _cursor = old is null || old.IsEmpty ? null : new IndexCursor(old);
        _writer = writer;
        _links = links;
        _root = indexRoot;
        _options = options;
        _stats = stats;
        // bup's tmax: every stat of the pass comes after this, so a timestamp racy against it is racy against its stat.
        _start = RacyTimestamps.Now();
        _cursor?.MoveNext();
    }

    /// <summary>True when the new index differs from the old one (else it need not replace it).</summary>
    public bool Modified { get; private set; }

    /// <summary>Merges <paramref name="found"/> (in index order) and copies the rest of the old index.</summary>
    public void Run(IEnumerable<NewEntry> found)
    {
        foreach (var entry in found)
        {
            _stats.Walked++;
            CatchUp(entry.IndexPath);
            var old = _cursor?.Current is { } c && c.Path.AsSpan().SequenceEqual(entry.IndexPath) ? c : null;
            _batch.Add(Decide(entry, old));
            if (old is not null)
            {
                _cursor!.MoveNext();
            }

            if (_batch.Count >= BatchSize)
            {
                Flush();
            }
        }

        CatchUp(null);
        Flush();
    }

    private void CatchUp(byte[]? limit)
    {
        while (_cursor?.Current is { } c && (limit is null || c.Path.AsSpan().SequenceCompareTo(limit) < 0))
        {
            var deleted = PathNames.IsWithin(c.Path, _root);
            if (deleted)
            {
                _stats.Deleted += 1 + c.Descendants;
                Modified = true;
            }

            _batch.Add(new Step(deleted ? StepKind.Deleted : StepKind.Copy, c, default));
            _cursor.SkipSubtree();
            _cursor.MoveNext();
        }
    }

    private Step Decide(NewEntry entry, IndexRecord? old)
    {
        if (entry.IsSynthetic)
        {
            Modified |= old is not { IsSynthetic: true };
            return new Step(StepKind.Keep, old is { IsSynthetic: true } ? old : Synthetic(entry.IndexPath), entry);
        }

        if (old is { IsSynthetic: false } && !old.IsStale(entry.Status, _options.CheckDevice))
        {
            if (!old.RealPath.AsSpan().SequenceEqual(entry.RealPath))
            {
                Modified = true;
                old.RealPath = entry.RealPath; // a tree moved under a graft keeps its records
            }
            return new Step(StepKind.Keep, Fake(old, entry), entry);
        }

        Modified = true;

        if (old is null)
        {
            _stats.Added++;
        }
        else
        {
            _stats.Changed++;
        }

        return new Step(StepKind.Fresh, Fake(NewRecord(entry, old), entry), entry);
    }

    /// <summary>Applies --fake-valid or --fake-invalid to a record the walk found below the root.</summary>
    private IndexRecord Fake(IndexRecord record, NewEntry entry)
    {
        if (_options.Fake == FakeValidity.None || !PathNames.IsWithin(entry.IndexPath, _root))
        {
            return record;
        }

        var before = (record.Flags, record.GitMode, record.Id);
        if (_options.Fake == FakeValidity.Invalid)
        {
            record.Flags &= ~IndexFlags.HashValid;
        }
        else
        {
            record.Flags |= IndexFlags.HashValid;
            if (record.Id.IsZero || record.GitMode == GitFileMode.None)
            {
                // A valid record always names an object (bup's rule, checked by --check).
                (record.GitMode, record.Id) = (GitFileMode.Regular, FakeId);
            }
        }

        Modified |= before != (record.Flags, record.GitMode, record.Id);
        return record;
    }

    /// <summary>Reads the metadata the batch needs on every core, then writes the batch in order.</summary>
    private void Flush()
    {
        var fresh = _batch.Where(s => s.Kind == StepKind.Fresh).ToList();
        if (fresh.Count >= 8)
        {
            Parallel.ForEach(fresh, ReadMetadata);
        }
        else
        {
            fresh.ForEach(ReadMetadata);
        }

        foreach (var step in _batch)
        {
            Apply(step);
        }

        _batch.Clear();
    }

    private void Apply(Step step)
    {
        switch (step.Kind)
        {
            case StepKind.Copy:
                _writer.CopySubtree(step.Record, _old!);
                return;
            case StepKind.Deleted:
                _writer.InvalidateAncestorsOf(step.Record.Path);
                return;
        }

        step.Warnings?.ForEach(Warn);
        if (step.Failed && !step.Record.IsDirectory)
        {
            // bup skips it; a directory stays so that its contents keep a parent.
            _writer.InvalidateAncestorsOf(step.Record.Path);
            return;
        }

        _writer.Add(step.Record);
        _links.See(step.Record);
        _options.OnRecord?.Invoke(step.Record.Path, step.Record);
    }

    private IndexRecord NewRecord(NewEntry entry, IndexRecord? old) => new()
    {
        // The old object stays (invalid) so that listings can tell modified from added, as bup's do.
        Path = entry.IndexPath,
        RealPath = entry.RealPath,
        Status = entry.Status,
        Flags = RacyTimestamps.IsRacy(entry.Status, _start) ? IndexFlags.Racy : IndexFlags.None,
        GitMode = old is { IsSynthetic: false } ? old.GitMode : GitFileMode.None,
        Id = old is { IsSynthetic: false } ? old.Id : default,
    };

    private static void ReadMetadata(Step step)
    {
        var warnings = new List<string>();
        try
        {
            step.Record.Metadata = MetadataReader.FromPath(PathNames.ForSystem(step.Entry.RealPath), null, normalized: true, warnings).Encode();
        }
        catch (Exception e) when (e is PosixException or IOException)
        {
            warnings.Add(e.Message);
            step.Failed = true;
        }

        step.Warnings = warnings;
    }

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

    private enum StepKind
    {
        Copy,
        Deleted,
        Keep,
        Fresh,
    }

    /// <summary>One decision of the merge, applied to the new index in order once its metadata is read.</summary>
    private sealed class Step(StepKind kind, IndexRecord record, NewEntry entry)
    {
        public StepKind Kind { get; } = kind;

        public IndexRecord Record { get; } = record;

        public NewEntry Entry { get; } = entry;

        public List<string>? Warnings { get; set; }

        public bool Failed { get; set; }
    }

    /// <inheritdoc/>
    public override string ToString() => $"index pass over {NameText.Display(_root)}";
}
