using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Save;

/// <summary>One entry of a directory being built (bup's tree.TreeItem).</summary>
/// <param name="Name">The real (unmangled) name.</param>
/// <param name="IsDirectory">True for a subdirectory (its metadata is in its own .bupm).</param>
/// <param name="GitMode">The mode of <paramref name="Id"/>.</param>
/// <param name="Id">The blob, chunk tree or directory tree.</param>
/// <param name="Metadata">The .bupm record for a non-directory.</param>
internal sealed record StackItem(byte[] Name, bool IsDirectory, GitFileMode GitMode, ObjectId Id, BupMetadata? Metadata)
{
    /// <summary>The name in the git tree: chunked files get ".bup", names that look mangled get ".bupl".</summary>
    public byte[] TreeName => BupStore.Hashsplit.NameMangling.Mangle(
        Name, !IsDirectory && GitMode == GitFileMode.Tree && Metadata?.FileType == PosixFileType.Regular);
}
