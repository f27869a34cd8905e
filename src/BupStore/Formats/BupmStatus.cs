// Outcome of matching a .bupm against its tree (docs/formats/saved-trees.md, "Reading a .bupm back" and "Counting the records").
namespace BupStore.Formats;

/// <summary>How the metadata of a save-tree directory was obtained.</summary>
public enum BupmStatus
{
    /// <summary>The tree has a .bupm whose object count matches its entries; records are assigned.</summary>
    Present,

    /// <summary>The tree has no .bupm (older bup, <c>bup split</c>, plain git): defaults apply.</summary>
    Absent,

    /// <summary>
    /// The .bupm holds a different number of objects than the tree needs (bup 0.25–0.30.0 could drop a
    /// record). The entries get defaults instead of possibly shifted records; the directory keeps
    /// the first record, which such damage does not affect.
    /// </summary>
    CountMismatch,
}
