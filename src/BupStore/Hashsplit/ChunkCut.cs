namespace BupStore.Hashsplit;

/// <summary>One chunk found by <see cref="HashSplitter"/>: a range of its batch buffer and a fanout level.</summary>
/// <param name="Offset">Start of the chunk in <see cref="SplitBatch.Buffer"/>.</param>
/// <param name="Length">Chunk length in bytes (1..32768).</param>
/// <param name="Level">Fanout level of the split that ended the chunk (0 for forced cuts).</param>
public readonly record struct ChunkCut(int Offset, int Length, int Level);
