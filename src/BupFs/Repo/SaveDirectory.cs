using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// A save (<c>/branch/2023-11-14-221320</c>) or tagged commit: its root tree, with the root
/// directory's mode and owner from the .bupm but the commit's author time as all three times.
/// </summary>
internal sealed class SaveDirectory : TreeDirectory
{
    private readonly long _authorTime;

    public SaveDirectory(RepoContext context, NodeIdentity identity, ObjectId commit, Commit parsed)
        : base(context, identity, new SaveContext(commit, parsed.Tree), parsed.Tree)
    {
        _authorTime = parsed.Author.Seconds;
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
