using BupStore.Objects;

namespace BupStore.Hashsplit;

/// <summary>What splitting a stream produced: the finished fanout state and the byte count.</summary>
/// <param name="Tree">The fanout builder, ready for FinishTree or FinishBlobOrTree.</param>
/// <param name="Size">Bytes split.</param>
/// <param name="Chunks">Number of chunks (blobs, duplicates counted).</param>
public sealed record SplitResult(ChunkTreeBuilder Tree, long Size, long Chunks)
{
    /// <summary>bup save / split -n: blob, single subtree, or tree (docs/formats/hashsplit.md, "Single blob or tree").</summary>
    public (GitFileMode Mode, ObjectId Id) BlobOrTree() => Tree.FinishBlobOrTree();
}
