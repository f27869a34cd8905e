using BupFs.Caching;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// What every node of one repository view shares: the repository, the decoded-object cache, the
/// refs view and the options, plus the cached derived views (listings, save lists, hardlinks).
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class RepoContext
{
    public RepoContext(BupStore.Repository.Repository repository, ObjectCache cache, RefsView refs, RepoFileSystemOptions options)
    {
        Repository = repository;
        Cache = cache;
        Refs = refs;
        Options = options;
    }

    /// <summary>The repository shown.</summary>
    public BupStore.Repository.Repository Repository { get; }

    /// <summary>The decoded-object cache, also the chunk source of every reader.</summary>
    public ObjectCache Cache { get; }

    /// <summary>Branches and tags, re-read when older than the refresh interval.</summary>
    public RefsView Refs { get; }

    /// <summary>The options the view was created with.</summary>
    public RepoFileSystemOptions Options { get; }

    /// <summary>Reports a problem the view worked around.</summary>
    public void Warn(string message) => Options.Warning?.Invoke(message);

    /// <summary>
    /// The directory listing of save tree <paramref name="tree"/>, directory <paramref name="path"/>
    /// of <paramref name="save"/>; problems worked around while building it are reported with both,
    /// so a damaged .bupm names the directory it belongs to.
    /// </summary>
    public TreeListing GetListing(ObjectId tree, SaveContext save, string path) =>
        Cache.GetOrAdd(
            new CacheKey(CacheKind.Listing, tree),
            (store, key) => TreeListing.Load(store, key.Id, message => Warn($"{save.Label}, directory {path}: {message}")),
            static listing => listing.EstimatedSize);

    /// <summary>The hardlink groups of <paramref name="save"/> (computed by walking it once).</summary>
    public HardlinkIndex GetHardlinks(SaveContext save) =>
        Cache.GetOrAdd(
            new CacheKey(CacheKind.Hardlinks, save.Key),
            (_, _) => HardlinkIndex.Build(this, save),
            static index => index.EstimatedSize);
}
