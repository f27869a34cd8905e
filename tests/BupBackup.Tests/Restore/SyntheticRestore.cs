using System.Text;
using BupBackup.Restore;
using BupStore.Objects;
using BupStore.Repository;

namespace BupBackup.Tests.Restore;

/// <summary>A scratch repository built by <see cref="SyntheticRepository"/>, restored into a scratch folder, with the errors reported.</summary>
internal sealed class SyntheticRestore : IDisposable
{
    private readonly TempDirectory _scratch;

    public SyntheticRestore(string name) => _scratch = new TempDirectory(name);

    public List<string> Errors { get; } = [];

    public string Root => _scratch.Path;

    public string RepoPath => Path.Combine(_scratch.Path, "repo");

    public string Dest => Path.Combine(_scratch.Path, "dest");

    /// <summary>Saves the tree <paramref name="build"/> returns as branch "b".</summary>
    public void SaveRoot(Func<SyntheticRepository, ObjectId> build)
    {
        using var s = new SyntheticRepository(RepoPath);
        s.Save("b", build(s));
    }

    /// <summary>Restores <paramref name="paths"/> into <see cref="Dest"/>, errors into <see cref="Errors"/>.</summary>
    public RestoreSummary Restore(RestoreOptions options, params string[] paths)
    {
        using var repository = Repository.Open(RepoPath);
        using var restorer = new Restorer(repository, options with { Error = Errors.Add });
        return restorer.RestoreTo(Encoding.UTF8.GetBytes(Dest), paths.Select(Encoding.UTF8.GetBytes));
    }

    public void Dispose() => _scratch.Dispose();
}
