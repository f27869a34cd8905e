using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Repository.Fsck;

/// <summary>
/// One directory of a save: every entry present with the type its mode says, chunked files
/// (<c>name.bup</c> trees) consistent, and the <c>.bupm</c> decodable with one record for the
/// directory plus one per entry that is not a subdirectory, in bup's order (cmd/save.py _pop,
/// vfs.py tree_data_and_bupm), each regular file's or symlink's recorded size equal to its content's.
/// Subdirectories are handed back to the walk.
/// </summary>
internal sealed class DirectoryCheck
{
    private readonly WalkObjects _objects;
    private readonly ChunkTreeCheck _chunks;
    private readonly FsckReport _report;

    public DirectoryCheck(WalkObjects objects, ChunkTreeCheck chunks, FsckReport report)
    {
        _objects = objects;
        _chunks = chunks;
        _report = report;
    }

    /// <summary>Checks tree <paramref name="id"/> (known to be a present tree) and returns its subdirectories.</summary>
    public IEnumerable<ObjectId> Check(ObjectId id, List<TreeEntry> entries)
    {
        var subdirectories = new List<ObjectId>();
        var sizes = new Dictionary<TreeEntry, long>(ReferenceEqualityComparer.Instance);
        TreeEntry? bupm = null;
        foreach (var entry in entries)
        {
            if (entry.Name.AsSpan().SequenceEqual(NameMangling.BupmName))
            {
                bupm = entry;
                continue;
            }

            if (EntrySize(id, entry, subdirectories) is { } size)
            {
                sizes[entry] = size;
            }
        }

        if (bupm is not null)
        {
            CheckBupm(id, entries, bupm, sizes);
        }

        return subdirectories;
    }

    private long? EntrySize(ObjectId id, TreeEntry entry, List<ObjectId> subdirectories)
    {
        NameMangling.Demangle(entry.Name, entry.Mode, out var isChunked);
        if (entry.Mode == GitFileMode.Gitlink)
        {
            return null; // a submodule commit need not be in the repository (git fsck agrees)
        }

        if (!entry.IsTree)
        {
            return _objects.Expect(id, entry, ObjectType.Blob);
        }

        if (_objects.Expect(id, entry, ObjectType.Tree) is null)
        {
            return null;
        }

        if (isChunked)
        {
            return _chunks.Size(entry.Id);
        }

        subdirectories.Add(entry.Id);
        return null;
    }

    private void CheckBupm(ObjectId id, List<TreeEntry> entries, TreeEntry bupm, Dictionary<TreeEntry, long> sizes)
    {
        var content = ReadBupm(id, bupm);
        if (content is null)
        {
            return;
        }

        try
        {
            var records = Bupm.ReadAll(content, $".bupm {bupm.Id}");
            var directory = BupmReader.Read(entries, content, $".bupm {bupm.Id}");
            if (directory.Status == BupmStatus.CountMismatch)
            {
                var needed = 1 + directory.Items.Count(item => item.HasRecord);
                _report.Add(FsckProblemKind.BadMetadata, $"tree {id}: .bupm {bupm.Id} holds {records.Count} metadata records, its entries need {needed}", id);
                return;
            }

            CheckSizes(id, directory, sizes);
        }
        catch (CorruptObjectException e)
        {
            _report.Add(FsckProblemKind.BadMetadata, $"tree {id}: .bupm cannot be decoded: {e.Message}", bupm.Id);
        }
    }

    private byte[]? ReadBupm(ObjectId id, TreeEntry bupm)
    {
        if (!bupm.IsTree)
        {
            return _objects.Expect(id, bupm, ObjectType.Blob) is null ? null : _objects.ReadBlob(bupm.Id);
        }

        if (_objects.Expect(id, bupm, ObjectType.Tree) is null || _chunks.Size(bupm.Id) is null)
        {
            return null;
        }

        using var joined = new MemoryStream();
        Join(bupm.Id, joined);
        return joined.ToArray();
    }

    // The chunk tree was found consistent, so every leaf is a present blob.
    private void Join(ObjectId tree, MemoryStream output)
    {
        foreach (var entry in _objects.ReadTree(tree) ?? [])
        {
            if (entry.IsTree)
            {
                Join(entry.Id, output);
            }
            else
            {
                output.Write(_objects.ReadBlob(entry.Id));
            }
        }
    }

    // bup save records a regular file's size as it read it, and a symlink's as its target's length.
    private void CheckSizes(ObjectId id, BupmDirectory directory, Dictionary<TreeEntry, long> sizes)
    {
        foreach (var item in directory.Items)
        {
            var meta = item.Metadata;
            if (meta?.Size is not { } recorded || !sizes.TryGetValue(item.Entry, out var actual)
                || meta.FileType is not (PosixFileType.Regular or PosixFileType.Symlink) || recorded == actual)
            {
                continue;
            }

            _report.Add(FsckProblemKind.BadMetadata,
                $"tree {id}: .bupm says '{NameText.Display(item.Name)}' holds {recorded} bytes, its content holds {actual}", id);
        }
    }
}
