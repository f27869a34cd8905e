using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// A save (<c>/branch/2023-11-14-221320</c>) or tagged commit: its root tree, with the root
/// directory's mode and owner from the .bupm but the commit's author time as all three times.
/// A root tree that cannot be read fails every request on the save with Io naming the save, its
/// commit and tree: a listing shows the save, and only using it fails.
/// </summary>
internal sealed class SaveDirectory : TreeDirectory
{
    private readonly long _authorTime;

    /// <summary>A save; <paramref name="label"/> says which in messages ("branch main, save 2023-11-14-221320").</summary>
    public SaveDirectory(RepoContext context, NodeIdentity identity, ObjectId commit, Commit parsed, string label)
        : base(context, identity, new SaveContext(commit, parsed.Tree, label), parsed.Tree, "/")
    {
        _authorTime = parsed.Author.Seconds;
    }

    /// <inheritdoc/>
    protected override TreeListing Listing
    {
        get
        {
            try
            {
                return base.Listing;
            }
            catch (Exception e) when (FsErrors.IsRepositoryFailure(e))
            {
                throw new FsException(FsError.Io, $"{Save.Label}: tree {Tree} of commit {Save.Key} cannot be read: {FsErrors.FromException(e).Message}", e);
            }
        }
    }

    /// <inheritdoc/>
    public override ObjectId? CommitId => Save.Key;

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes()
    {
        var time = new FsTime(_authorTime, 0);
        return base.ComputeAttributes() with { AccessTime = time, ModifyTime = time, ChangeTime = time };
    }
}
