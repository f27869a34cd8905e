namespace BupFs.Repo;

/// <summary>
/// <c>/branch/latest</c>: a symlink to the newest save's name, mode 0o120755, times at the epoch
/// (as bup shows it). Its target follows the branch, so it is not immutable.
/// </summary>
internal sealed class LatestLink : RepoNode
{
    private readonly BranchDirectory _branch;

    public LatestLink(RepoContext context, NodeIdentity identity, BranchDirectory branch)
        : base(context, identity)
    {
        _branch = branch;
    }

    /// <inheritdoc/>
    public override NodeKind Kind => NodeKind.Symlink;

    /// <inheritdoc/>
    public override bool Immutable => false;

    /// <inheritdoc/>
    public override byte[] ReadLink() => (byte[])_branch.Saves().TipName.Clone();

    /// <inheritdoc/>
    protected override NodeAttributes ComputeAttributes() =>
        MetadataAttributes.Synthetic(NodeKind.Symlink, MetadataAttributes.SymlinkMode, _branch.Saves().TipName.Length, Inode, 1, FsTime.Epoch, immutable: false);
}
