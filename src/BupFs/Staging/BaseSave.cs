// Reads the save a staging tree starts from, through the same cache and readers as the read-only
// view (TreeListing for directories, ChunkedFileReader for files), so unchanged content is read
// exactly as `bupfs mount` reads it.
using BupFs.Caching;
using BupFs.Repo;
using BupStore.Hashsplit;
using BupStore.Objects;
using BupStore.Repository;

namespace BupFs.Staging;

/// <summary>Base-save reads for a staging tree. Thread-safe.</summary>
internal sealed class BaseSave : IDisposable
{
    public BaseSave(Repository repository, long cacheSizeLimit)
    {
        Repository = repository;
        Cache = new ObjectCache(repository.Objects, cacheSizeLimit);
    }

    /// <summary>The repository.</summary>
    public Repository Repository { get; }

    /// <summary>The decoded-object cache, also the chunk source of every reader.</summary>
    public ObjectCache Cache { get; }

    /// <summary>
    /// Reads tree <paramref name="tree"/> with its .bupm, uncached: every problem the read-only view
    /// would work around (a damaged .bupm, hidden entries) is collected in <paramref name="problems"/>.
    /// </summary>
    public TreeListing LoadListing(ObjectId tree, List<string> problems) =>
        TreeListing.Load(Repository.Objects, tree, problems.Add);

    /// <summary>A reader of a file's base content (a blob or a chunk tree).</summary>
    public ChunkedFileReader OpenContent(GitFileMode mode, ObjectId id) =>
        new(Cache, mode == GitFileMode.Tree ? GitFileMode.Tree : GitFileMode.Regular, id);

    /// <inheritdoc/>
    public void Dispose() => Cache.Dispose();
}
