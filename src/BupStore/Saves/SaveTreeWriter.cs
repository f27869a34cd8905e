using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Saves;

/// <summary>
/// Writes one directory of a save as bup save does (docs/formats/saved-trees.md, "The .bupm file";
/// docs/formats/bupm.md, "`.bupm` and trees"): its .bupm (the directory's own record, then one per
/// non-directory sorted by real name) stored like file content, and the tree of the .bupm plus the
/// entries under their mangled names.
/// </summary>
public static class SaveTreeWriter
{
    /// <summary>
    /// Stores the .bupm and the tree of a directory whose own metadata is <paramref name="directory"/>
    /// (null: bup's empty record) and returns the tree's id. <paramref name="entries"/> may come in
    /// any order (both the .bupm and the tree are sorted here) but their names must be distinct.
    /// </summary>
    public static ObjectId Write(ConcurrentObjectWriter writer, BupMetadata? directory, IReadOnlyCollection<SaveTreeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var bupm = Bupm.Build(directory, entries.Where(e => !e.IsDirectory).Select(e => (e.Name, e.Metadata)));
        var (bupmMode, bupmId) = BlobSplitter.Split(writer, bupm);
        var tree = new List<TreeEntry>(entries.Count + 1) { new(bupmMode, NameMangling.BupmName.ToArray(), bupmId) };
        tree.AddRange(entries.Select(e => new TreeEntry(e.GitMode, e.TreeName, e.Id)));
        return writer.Write(ObjectType.Tree, TreeCodec.Format(tree));
    }
}
