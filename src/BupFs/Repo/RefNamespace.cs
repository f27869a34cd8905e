namespace BupFs.Repo;

/// <summary>The two ref hierarchies the view shows.</summary>
internal enum RefNamespace
{
    /// <summary>refs/heads/: branches, shown at the root.</summary>
    Heads,

    /// <summary>refs/tags/: tags, shown under /.tag.</summary>
    Tags,
}
