using BupFs.Caching;
using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// A branch (<c>/name</c>): one folder per save plus <c>latest</c>. Follows the ref: a new save
/// appears once the refs view is refreshed. Mode 0755, times = the tip's author time, link count 1
/// (unknown, so find(1) does not assume a leaf).
/// </summary>
/// <remarks>Thread-safe; the save list is cached per tip and rebuilt incrementally from the previous one.</remarks>
internal sealed class BranchDirectory : RepoNode
{
    private static readonly byte[] LatestName = "latest"u8.ToArray();
    private readonly byte[] _refName;
    private SaveList? _previous;

    public BranchDirectory(RepoContext context, NodeIdentity identity, byte[] refName)
        : base(context, identity)
    {
        _refName = refName;
    }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.Directory;

    /// <inheritdoc/>
    public override bool Immutable => false;

    /// <inheritdoc/>
    public override ObjectId? CommitId => Context.Refs.Current.Find(RefNamespace.Heads, _refName)?.Id;

    /// <summary>The saves of the current tip.</summary>
    /// <exception cref="FsException">NotFound when the branch no longer exists; Io when its tip commit cannot be read.</exception>
    public SaveList Saves()
    {
        var tip = CommitId ?? throw new FsException(FsError.NotFound, $"branch {NameText(_refName)} no longer exists");
        var previous = _previous;
        var list = Context.Cache.GetOrAdd(
            new CacheKey(CacheKind.SaveList, tip),
            (_, key) => SaveList.Build(Context.Cache, key.Id, previous, Context.Options.TimeZone, NameText(_refName), LoggedValues, Context.Warn),
            static saves => saves.EstimatedSize);
        _previous = list;
        return list;
    }

    /// <inheritdoc/>
    public override RepoNode? Find(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual(LatestName))
        {
            return new LatestLink(Context, NodeIdentity.Entry(Inode, LatestName), this);
        }

        return Saves().Find(name) is { } save ? CreateSave(save) : null;
    }

    /// <inheritdoc/>
    public override IEnumerable<(byte[] Name, RepoNode Node)> List()
    {
        var result = new List<(byte[] Name, RepoNode Node)>();
        var saves = Saves();
        if (saves.ListingWarning is { } warning)
        {
            Context.Warn(warning);
        }

        foreach (var save in saves.Named)
        {
            result.Add((save.Name, CreateSave(save)));
        }

        result.Add((LatestName, new LatestLink(Context, NodeIdentity.Entry(Inode, LatestName), this)));
        result.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        return result;
    }

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes()
    {
        var time = CommitId is { } tip ? RefFolder.CommitTime(Context, tip) : 0;
        return MetadataAttributes.Synthetic(NodeKind.Directory, MetadataAttributes.DirectoryMode, 0, Inode, 1, new FsTime(time, 0), immutable: false);
    }

    private SaveDirectory CreateSave(SaveListEntry save) =>
        new(Context, NodeIdentity.Versioned(Inode, save.Name, save.Commit), save.Commit, Context.Cache.GetCommit(save.Commit),
            $"branch {NameText(_refName)}, save {NameText(save.Name)}");

    // The branch's earlier values, for showing its older saves when the tip cannot be read.
    private IReadOnlyList<ObjectId> LoggedValues()
    {
        try
        {
            return Context.Repository.Refs.LoggedValues("refs/heads/" + System.Text.Encoding.UTF8.GetString(_refName));
        }
        catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
        {
            Context.Warn($"branch {NameText(_refName)}: reflog cannot be read: {e.Message}");
            return [];
        }
    }

    private static string NameText(byte[] name) => BupStore.Objects.NameText.Display(name);
}
