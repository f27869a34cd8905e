namespace BupStore.Formats;

/// <summary>A table of 20-byte object ids in ascending order (idx and midx both hold one).</summary>
internal interface ISortedIdTable
{
    /// <summary>The raw id at <paramref name="index"/>.</summary>
    ReadOnlySpan<byte> GetIdBytes(int index);
}
