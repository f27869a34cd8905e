namespace BupFs.Repo;

/// <summary>
/// <c>/.tag</c>: every refs/tags/* as a save (commit), directory (tree) or file (blob); names with
/// '/' as nested folders. Mode 0755, times at the epoch (as bup shows it).
/// </summary>
internal sealed class TagDirectory : RefFolder
{
    public TagDirectory(RepoContext context, NodeIdentity identity)
        : base(context, identity, RefNamespace.Tags, [])
    {
    }
}
