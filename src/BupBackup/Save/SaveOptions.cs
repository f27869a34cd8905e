using BupBackup.Index;

namespace BupBackup.Save;

/// <summary>What to save and how to lay it out (bup save's options).</summary>
public sealed record SaveOptions
{
    /// <summary>The paths given on the command line (index paths, or real paths when no index graft applies).</summary>
    public required IReadOnlyList<byte[]> Sources { get; init; }

    /// <summary>Store each source's contents at the archive root (--strip).</summary>
    public bool Strip { get; init; }

    /// <summary>Remove this prefix from saved paths (--strip-path).</summary>
    public byte[]? StripPath { get; init; }

    /// <summary>Save-time graft points (--graft OLD=NEW), applied to index paths.</summary>
    public IReadOnlyList<GraftPoint> Grafts { get; init; } = [];

    /// <summary>Leave out regular files of at least this many bytes that would have to be read (--smaller).</summary>
    public long? Smaller { get; init; }

    /// <summary>
    /// As bup save: no index, or a source it does not hold, is an error (<see cref="SaveSourceException"/>)
    /// instead of being indexed first.
    /// </summary>
    public bool RequireIndex { get; init; }

    /// <summary>How to index sources the index does not cover yet (save indexes them first, unless <see cref="RequireIndex"/>).</summary>
    public IndexOptions IndexOptions { get; init; } = new();

    /// <summary>Number of threads reading and hashing files; 0 picks two per core.</summary>
    public int Workers { get; init; }

    /// <summary>
    /// Called once before anything is read with the bytes and files the save will read (the
    /// index knows it in advance), so that a progress display can show percent and ETA.
    /// </summary>
    public Action<long, long>? OnStart { get; init; }

    /// <summary>Called from reading threads with bytes just read and the path being read.</summary>
    public Action<long, byte[]>? OnProgress { get; init; }

    /// <summary>Called in archive order for each non-directory stored: status ('A' added, 'M' modified,
    /// ' ' unchanged) and the index path.</summary>
    public Action<char, byte[]>? OnEntry { get; init; }

    /// <summary>Receives every problem that made the save skip or flag something (exit status 1 in bup).</summary>
    public Action<string>? OnWarning { get; init; }
}
