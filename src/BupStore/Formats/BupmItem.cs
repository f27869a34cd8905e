// One entry of a save-tree directory paired with its .bupm record (docs/formats/saved-trees.md, "Reading a .bupm back").
using BupStore.Objects;

namespace BupStore.Formats;

/// <summary>A tree entry with its demangled name and the metadata record assigned to it.</summary>
public sealed class BupmItem
{
    internal BupmItem(TreeEntry entry, byte[] name, bool isChunked)
    {
        Entry = entry;
        Name = name;
        IsChunked = isChunked;
    }

    /// <summary>The git tree entry (mangled name, git mode, object id).</summary>
    public TreeEntry Entry { get; }

    /// <summary>The demangled (filesystem) name.</summary>
    public byte[] Name { get; }

    /// <summary>True for a regular file stored as a chunk tree (<c>name.bup</c>).</summary>
    public bool IsChunked { get; }

    /// <summary>True for a subdirectory: a tree that is not a chunked file. Its metadata is the first
    /// record of its own .bupm, so <see cref="Metadata"/> is always null here.</summary>
    public bool IsDirectory => Entry.IsTree && !IsChunked;

    /// <summary>True when the entry consumes a record of the .bupm (every entry but subdirectories).</summary>
    public bool HasRecord => !IsDirectory;

    /// <summary>The entry's record, or null when there is none, it is the empty object, or the .bupm was
    /// absent or mismatched.</summary>
    public BupMetadata? Metadata { get; internal set; }

    /// <summary>The record, or the default for the git mode (docs/formats/vfs-layout.md) (null only for modes without a
    /// default, such as 160000 submodules). Defaults carry a null size: compute it from the content.</summary>
    public BupMetadata? Resolve() => Metadata ?? MetadataDefaults.For(Entry.Mode, IsChunked);
}
