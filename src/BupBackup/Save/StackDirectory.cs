using BupStore.Formats;
using BupStore.Saves;

namespace BupBackup.Save;

/// <summary>A directory of the save being built (bup's tree.StackDir).</summary>
internal sealed class StackDirectory(ArchiveComponent component, BupMetadata? metadata, byte[]? indexPath)
{
    /// <summary>Its level: archive name and the index directory it stands for.</summary>
    public ArchiveComponent Component { get; } = component;

    /// <summary>Its own metadata (the first .bupm record); null for bup's empty Metadata().</summary>
    public BupMetadata? Metadata { get; set; } = metadata;

    /// <summary>The index directory whose record gets this tree as its object, or null.</summary>
    public byte[]? IndexPath { get; } = indexPath;

    /// <summary>The entries gathered so far.</summary>
    public List<SaveTreeEntry> Items { get; } = [];

    /// <summary>True when something below was left out, so the tree must not be reused later.</summary>
    public bool Incomplete { get; set; }
}
