// The node model of a staging tree on top of its database (docs/formats/staging.md): base
// directories are copied up ("listed") the first time they are reached, with their raw entries
// and records, and from then on their rows are authoritative; a change marks the node and every
// directory above it dirty, so a commit rewrites exactly those and reuses every other tree id.
//
// Concurrency: not thread-safe; StagingFileSystem calls it under its namespace lock.
using System.Text;
using BupFs.Repo;
using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>Node-level operations of one staging tree: find, list, create, link, unlink, move, dirty.</summary>
internal sealed class StagingTree
{
    private const string NextInodeKey = "next_inode";

    private readonly StagingDatabase _db;
    private readonly BaseSave _base;
    private readonly Action<string> _warn;
    private ulong _nextInode;
    private long _frozen;

    public StagingTree(StagingDatabase db, BaseSave baseSave, Action<string> warn)
    {
        _db = db;
        _base = baseSave;
        _warn = warn;
        _nextInode = db.GetMeta(NextInodeKey) is { Length: 8 } stored ? BitConverter.ToUInt64(stored) : InodeNumbers.Root + 1;
        _frozen = db.CountFrozen();
    }

    /// <summary>The database (for the committer and status).</summary>
    public StagingDatabase Database => _db;

    /// <summary>Node <paramref name="inode"/>; NotFound when it does not exist (any more).</summary>
    public StagedNode Get(ulong inode) =>
        _db.GetNode(inode) ?? throw new FsException(FsError.NotFound, $"staged node {inode} does not exist");

    /// <summary>Stores changes to <paramref name="node"/>.</summary>
    public void Put(StagedNode node) => _db.PutNode(node);

    /// <summary>Directory <paramref name="inode"/> with its entries listed; NotDirectory for other kinds.</summary>
    public StagedNode Directory(ulong inode)
    {
        var node = Get(inode);
        if (node.Kind != NodeKind.Directory)
        {
            throw new FsException(FsError.NotDirectory);
        }

        if (node.State == NodeState.Base)
        {
            CopyUp(node);
        }

        return node;
    }

    /// <summary>The child <paramref name="name"/> of <paramref name="parent"/>, or null.</summary>
    public StagedNode? Find(StagedNode parent, ReadOnlySpan<byte> name) =>
        _db.Find(parent.Inode, name) is { } inode ? Get(inode) : null;

    /// <summary>The record of <paramref name="node"/>, reading a base directory's own .bupm when needed.</summary>
    public BupMetadata MetadataOf(StagedNode node)
    {
        if (node.Metadata is null && node.Kind == NodeKind.Directory && node.BaseId is { } tree)
        {
            var problems = new List<string>();
            node.Metadata = _base.LoadListing(tree, problems).DirectoryMetadata ?? MetadataDefaults.Directory();
            Put(node);
        }

        return node.Metadata ?? MetadataDefaults.Directory();
    }

    /// <summary>The size stat shows: a base file's size is read from its chunk tree when the record has none.</summary>
    public long SizeOf(StagedNode node)
    {
        if (node.Size >= 0 || node.BaseId is not { } id)
        {
            return Math.Max(node.Size, 0);
        }

        node.Size = _base.OpenContent(node.BaseMode, id).Length;
        Put(node);
        return node.Size;
    }

    /// <summary>Allocates a new inode number (persisted with the caller's transaction).</summary>
    public ulong NewInode()
    {
        var inode = _nextInode++;
        _db.SetMeta(NextInodeKey, BitConverter.GetBytes(_nextInode));
        return inode;
    }

    /// <summary>Adds a new node named <paramref name="name"/> in <paramref name="parent"/>.</summary>
    public StagedNode Create(StagedNode parent, ReadOnlySpan<byte> name, NodeKind kind, BupMetadata metadata, long size)
    {
        CheckNewName(parent, name);
        var node = new StagedNode
        {
            Inode = NewInode(),
            Kind = kind,
            Metadata = metadata,
            LinkCount = 1,
            Size = size,
            State = kind == NodeKind.Directory ? NodeState.Listed : NodeState.Base,
            Dirty = true,
        };
        Put(node);
        _db.AddEntry(parent.Inode, name, node.Inode);
        Touch(parent);
        return node;
    }

    /// <summary>Fails with Exists when <paramref name="name"/> is taken, and checks the name itself.</summary>
    public void CheckNewName(StagedNode parent, ReadOnlySpan<byte> name)
    {
        CheckName(name);
        CheckWritable(parent);
        if (_db.Find(parent.Inode, name) is not null)
        {
            throw new FsException(FsError.Exists);
        }
    }

    /// <summary>Removes the entry <paramref name="name"/> of <paramref name="parent"/> naming <paramref name="node"/>.</summary>
    /// <returns>True when the node has no names left (the caller drops it once nothing holds it).</returns>
    public bool RemoveName(StagedNode parent, ReadOnlySpan<byte> name, StagedNode node)
    {
        CheckWritable(parent);
        _db.RemoveEntry(parent.Inode, name);
        node.LinkCount = node.LinkCount > 0 ? node.LinkCount - 1 : 0;
        node.Metadata = Changed(MetadataOf(node));
        node.Dirty = true;
        Put(node);
        Touch(parent);
        return node.LinkCount == 0;
    }

    /// <summary>Deletes a node that has no names and is held by nothing.</summary>
    public void Drop(ulong inode) => _db.DeleteNode(inode);

    /// <summary>Adds a name for <paramref name="node"/>.</summary>
    public void AddName(StagedNode parent, ReadOnlySpan<byte> name, StagedNode node)
    {
        _db.AddEntry(parent.Inode, name, node.Inode);
        Touch(parent);
    }

    /// <summary>The directory that holds directory <paramref name="inode"/>, or null for the root.</summary>
    public ulong? ParentOf(ulong inode)
    {
        var names = _db.NamesOf(inode);
        return names.Count == 0 ? null : names[0].Parent;
    }

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="inode"/> or above it.</summary>
    public bool IsAncestor(ulong ancestor, ulong inode)
    {
        for (ulong? at = inode; at is { } current; at = ParentOf(current))
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marks <paramref name="node"/> changed: itself and every directory up to the root get rewritten at commit.</summary>
    public void MarkDirty(StagedNode node)
    {
        node.Dirty = true;
        Put(node);
        var directory = node.Kind == NodeKind.Directory ? ParentOf(node.Inode) : null;
        if (node.Kind != NodeKind.Directory)
        {
            foreach (var (parent, _) in _db.NamesOf(node.Inode))
            {
                MarkDirectoryChain(parent);
            }

            return;
        }

        if (directory is { } up)
        {
            MarkDirectoryChain(up);
        }
    }

    /// <summary>Refuses changes under a directory that staging keeps read-only (see <see cref="NodeState.Frozen"/>).</summary>
    public void CheckWritable(StagedNode directory)
    {
        if (_frozen == 0)
        {
            return; // nothing is frozen (the usual case): no walk to the root per change
        }

        for (ulong? at = directory.Inode; at is { } current; at = ParentOf(current))
        {
            var node = current == directory.Inode ? directory : Get(current);
            if (node.State == NodeState.Frozen)
            {
                throw new FsException(FsError.ReadOnly, $"staged directory {current} holds entries staging cannot rewrite faithfully; it stays as saved");
            }
        }
    }

    /// <summary>A changed directory: new mtime and ctime, rewritten at commit (with its ancestors).</summary>
    public void Touch(StagedNode directory)
    {
        var metadata = Changed(MetadataOf(directory));
        metadata.Mtime = metadata.Ctime;
        directory.Metadata = metadata;
        MarkDirty(directory);
    }

    /// <summary>A copy of <paramref name="metadata"/> with ctime now (every change of a node sets it).</summary>
    public static BupMetadata Changed(BupMetadata metadata)
    {
        var copy = metadata.Clone();
        copy.Ctime = Now();
        return copy;
    }

    /// <summary>The current time as bup records it.</summary>
    public static BupTimespec Now() => BupTimespec.FromUnixNanoseconds(
        (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100);

    /// <summary>The longest name a staged entry may have (NAME_MAX, as on Linux).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Checks a name a caller wants to create.</summary>
    public static void CheckName(ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxNameBytes)
        {
            throw new FsException(FsError.NameTooLong);
        }

        if (!VfsPath.IsValidName(name))
        {
            throw new FsException(FsError.InvalidArgument, $"'{Encoding.UTF8.GetString(name)}' cannot name a staged entry");
        }
    }

    private void MarkDirectoryChain(ulong inode)
    {
        for (ulong? at = inode; at is { } current; at = ParentOf(current))
        {
            var node = Get(current);
            if (node.Dirty)
            {
                return; // everything above a dirty directory is dirty already
            }

            node.Dirty = true;
            Put(node);
        }
    }

    // Lists a base directory into rows: one node per entry with the raw git entry and record, so
    // a commit can write the same entries back. A directory the read-only view shows with
    // repairs (damaged .bupm, hidden entries) is listed but frozen: staging never rewrites it.
    private void CopyUp(StagedNode directory)
    {
        var problems = new List<string>();
        var listing = _base.LoadListing(directory.BaseId!.Value, problems);
        directory.Metadata ??= listing.DirectoryMetadata ?? MetadataDefaults.Directory();
        directory.State = problems.Count == 0 ? NodeState.Listed : NodeState.Frozen;
        _frozen += directory.State == NodeState.Frozen ? 1 : 0; // only ever counted up: a stale count costs a walk, never a miss
        foreach (var problem in problems)
        {
            _warn($"staging: {Display(directory.Origin)}: {problem}; this directory stays as saved");
        }

        _db.InTransaction(() =>
        {
            foreach (var entry in listing.Entries)
            {
                AddBaseEntry(directory, entry);
            }

            Put(directory);
        });
    }

    /// <summary>Adds a row for base entry <paramref name="entry"/> of <paramref name="directory"/> (a new inode).</summary>
    public void AddBaseEntry(StagedNode directory, ListingEntry entry)
    {
        var child = FromBase(directory, entry, NewInode());
        Put(child);
        _db.AddEntry(directory.Inode, entry.Name, child.Inode);
    }

    /// <summary>Makes <paramref name="node"/> stand for base entry <paramref name="entry"/> again, keeping its inode.</summary>
    public void ResetToBase(StagedNode node, ListingEntry entry, byte[] origin)
    {
        var fresh = FromBase(node, entry, node.Inode); // the node keeps its number: no new one is spent
        node.Metadata = fresh.Metadata;
        node.Size = fresh.Size;
        node.BaseMode = fresh.BaseMode;
        node.BaseId = fresh.BaseId;
        node.State = NodeState.Base;
        node.Dirty = false;
        node.SplitId = null;
        node.SplitMode = GitFileMode.None;
        node.Origin = origin;
        Put(node);
    }

    private static StagedNode FromBase(StagedNode parent, ListingEntry entry, ulong inode) => new()
    {
        Inode = inode,
        Kind = entry.Kind,
        Metadata = entry.Metadata,
        LinkCount = 1,
        Size = entry.Kind switch
        {
            NodeKind.File => entry.Metadata?.Size ?? -1,
            NodeKind.Symlink => entry.Metadata?.SymlinkTarget?.Length ?? -1,
            _ => 0,
        },
        BaseMode = entry.Entry.Mode,
        BaseId = entry.Entry.Id,
        State = NodeState.Base,
        Origin = parent.Origin is { Length: > 0 } origin ? [.. origin, (byte)'/', .. entry.Name] : entry.Name,
    };

    private static string Display(byte[]? origin) => origin is { Length: > 0 } ? "/" + NameText.Display(origin) : "/";
}
