namespace BupBackup.Restore.Pipeline;

/// <summary>
/// A piece of a file's content on its way to disk: a pooled block of <see cref="BlockBuilder.BlockSize"/>
/// bytes (the last one shorter), or a whole single-blob file in the blob's own array.
/// </summary>
/// <param name="Buffer">The bytes; only the first <paramref name="Length"/> count.</param>
/// <param name="Length">How many bytes of <paramref name="Buffer"/> are content.</param>
/// <param name="Pooled">True when <paramref name="Buffer"/> goes back to the <see cref="BufferPool"/> once written.</param>
internal readonly record struct ContentBlock(byte[] Buffer, int Length, bool Pooled)
{
    /// <summary>The content bytes.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
}
