using BupStore.Formats;
using BupStore.Hashsplit;
using BupStore.Objects;

namespace BupStore.Saves;

/// <summary>One entry of a directory being saved (bup's tree.TreeItem), for <see cref="SaveTreeWriter"/>.</summary>
/// <param name="Name">The real (unmangled) name.</param>
/// <param name="IsDirectory">True for a subdirectory (its metadata is in its own .bupm).</param>
/// <param name="GitMode">The mode of <paramref name="Id"/>.</param>
/// <param name="Id">The blob, chunk tree or directory tree.</param>
/// <param name="Metadata">The .bupm record for a non-directory (null: bup's empty record).</param>
public sealed record SaveTreeEntry(byte[] Name, bool IsDirectory, GitFileMode GitMode, ObjectId Id, BupMetadata? Metadata)
{
    /// <summary>
    /// The name in the git tree: chunked files get ".bup", names that look mangled get ".bupl"
    /// (docs/formats/saved-trees.md, "Name mangling").
    /// </summary>
    public byte[] TreeName => NameMangling.Mangle(
        Name, !IsDirectory && GitMode == GitFileMode.Tree && Metadata?.FileType == PosixFileType.Regular);
}
