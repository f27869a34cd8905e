using BupStore.Formats;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>One entry of a save-tree directory as the view shows it.</summary>
internal sealed class ListingEntry
{
    private byte[]? _hardlinkKey;

    public ListingEntry(byte[] name, TreeEntry entry, bool isChunked, NodeKind kind, BupMetadata? metadata)
    {
        Name = name;
        Entry = entry;
        IsChunked = isChunked;
        Kind = kind;
        Metadata = metadata;
    }

    /// <summary>The demangled name.</summary>
    public byte[] Name { get; }

    /// <summary>The git tree entry (mangled name, git mode, object).</summary>
    public TreeEntry Entry { get; }

    /// <summary>True for a regular file stored as a chunk tree.</summary>
    public bool IsChunked { get; }

    /// <summary>The node type (from the record, or from the git mode when there is none).</summary>
    public NodeKind Kind { get; }

    /// <summary>The entry's record or its default; null for directories (their record is in their own .bupm).</summary>
    public BupMetadata? Metadata { get; }

    /// <summary>The recorded hardlink target of the entry, or null when it has none.</summary>
    public byte[]? HardlinkTarget =>
        Kind != NodeKind.Directory && Metadata?.HardlinkTarget is { Length: > 0 } target ? target : null;

    /// <summary>
    /// The hardlink group of the entry (<see cref="HardlinkGroupKey"/>): entries with the same key
    /// were one file when saved; null when it has no hardlink target.
    /// </summary>
    public byte[]? HardlinkKey => _hardlinkKey ??= HardlinkTarget is { } target ? HardlinkGroupKey.For(target, Entry.Id, Metadata!) : null;
}
