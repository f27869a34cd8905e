using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary><c>latest</c> leads to the branch's tip, even where bup 0.33's name map would lead it to an older save.</summary>
public sealed class LatestTipTests : IDisposable
{
    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void ATipWhoseNameRecursApartFromItsRunIsStillLatest()
    {
        // The clock went back: the tip gets the name of the oldest save, not next to it, so 0.33.7
        // suffixes neither and bup's dict gives the name (and so latest) to the oldest.
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        foreach (var (text, date) in new[] { ("old", 1_700_000_000L), ("middle", 1_700_000_500L), ("tip", 1_700_000_000L) })
        {
            File.WriteAllText(Path.Combine(source, "f.txt"), text);
            _repo.Save("main", date, source);
        }

        var tip = _repo.Git("rev-parse", "main");
        var warnings = new List<string>();
        var (repository, fs) = _repo.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, Warning = warnings.Add });
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(["2023-11-14-221320", "2023-11-14-222140", "latest"], fs.Names(fs.Resolve("/main").Inode));
        Assert.Equal("2023-11-14-221320", fs.ReadLink(fs.Resolve("/main/latest").Inode).Text());
        Assert.Equal(tip, fs.GetCommitId(fs.Resolve("/main/latest/").Inode).ToString());
        Assert.Equal(tip, fs.GetCommitId(fs.Resolve("/main/2023-11-14-221320").Inode).ToString());
        Assert.Equal("tip", System.Text.Encoding.ASCII.GetString(fs.ReadAll(fs.Resolve($"/main/latest{source}/f.txt").Inode)));
        Assert.Equal(["branch main: 1 save(s) share a name with a save apart from their run; only one of each name is shown"], warnings);
    }
}
