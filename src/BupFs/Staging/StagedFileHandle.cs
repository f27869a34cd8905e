using BupStore.Hashsplit;

namespace BupFs.Staging;

/// <summary>An open staged file: either the base content (reads only) or the shared spool file.</summary>
internal sealed class StagedFileHandle : IFileHandle
{
    public StagedFileHandle(ulong node, OpenFlags flags, OpenFile? file, ChunkedFileReader? baseContent)
    {
        Node = node;
        Flags = flags;
        _file = file;
        BaseContent = baseContent;
    }

    private OpenFile? _file;

    /// <inheritdoc/>
    public ulong Node { get; }

    /// <inheritdoc/>
    public bool Immutable => false;

    /// <summary>How it was opened.</summary>
    public OpenFlags Flags { get; }

    /// <summary>
    /// The spool file, when the content is staged. A handle opened on base content gets it when
    /// another handle starts writing (copy-up), so every descriptor reads what was written.
    /// </summary>
    public OpenFile? File { get => Volatile.Read(ref _file); set => Volatile.Write(ref _file, value); }

    /// <summary>The base save's content, when the file is unchanged and opened for reading.</summary>
    public ChunkedFileReader? BaseContent { get; }

    /// <summary>True when the handle may write.</summary>
    public bool Writable => (Flags & OpenFlags.Write) != 0;
}
