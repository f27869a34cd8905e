namespace BupBackup.Restore;

/// <summary>
/// Where a restore walk puts what it finds: the filesystem (<see cref="DiskSink"/>) or a tar stream
/// (<see cref="TarSink"/>). The walker calls in walk order, from one thread; failures are thrown
/// and the walker reports them per entry. <see cref="BeginDirectory"/> that returns is always
/// followed by <see cref="EndDirectory"/>.
/// </summary>
internal interface IRestoreSink : IDisposable
{
    /// <summary>Creates a directory before its entries (nothing for the destination itself).</summary>
    void BeginDirectory(RestoreItem directory);

    /// <summary>Called after every entry of <paramref name="directory"/>: apply its metadata now, so its times stay.</summary>
    void EndDirectory(RestoreItem directory);

    /// <summary>Restores a non-directory; a regular file's content comes from <paramref name="openContent"/>.</summary>
    void Write(RestoreItem item, Func<Stream> openContent);

    /// <summary>True when <paramref name="earlier"/>, restored before, is still there to link to.</summary>
    bool CanLinkTo(RestoreItem earlier);

    /// <summary>Makes <paramref name="item"/> another name of <paramref name="earlier"/>; false when impossible (then it is written).</summary>
    bool Link(RestoreItem item, RestoreItem earlier);

    /// <summary>Waits until everything handed over so far is written (between path arguments, which may name the same paths).</summary>
    void Drain();

    /// <summary>Waits for outstanding work and flushes. Called once, at the end.</summary>
    void Complete();
}
