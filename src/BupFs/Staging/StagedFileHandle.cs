using BupStore.Hashsplit;

namespace BupFs.Staging;

/// <summary>An open staged file: either the base content (reads only) or the shared spool file.</summary>
internal sealed class StagedFileHandle : IFileHandle
{
    public StagedFileHandle(ulong node, OpenFlags flags, OpenFile? file, ChunkedFileReader? baseContent)
    {
        Node = node;
        Flags = flags;
        File = file;
        BaseContent = baseContent;
    }

    /// <inheritdoc/>
    public ulong Node { get; }

    /// <inheritdoc/>
    public bool Immutable => false;

    /// <summary>How it was opened.</summary>
    public OpenFlags Flags { get; }

    /// <summary>The spool file, when the content is staged.</summary>
    public OpenFile? File { get; }

    /// <summary>The base save's content, when the file is unchanged and opened for reading.</summary>
    public ChunkedFileReader? BaseContent { get; }

    /// <summary>True when the handle may write.</summary>
    public bool Writable => (Flags & OpenFlags.Write) != 0;
}
