using BupStore.Repository;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// Damaged ref files (garbage content, names git refuses, symbolic refs nested too deep or
/// pointing nowhere) are left out of ref listings one by one, as git for-each-ref does, instead
/// of failing the whole listing, and so of the mount's root.
/// </summary>
public sealed class BrokenRefTests
{
    [Fact]
    public void RefStoreListsWhatGitForEachRefListsAndReportsWhatItSkips()
    {
        using BupRepository repo = RepositoryWithBrokenRefs();
        var skipped = new List<string>();
        using Repository opened = Repository.Open(repo.GitDir);
        var listed = opened.Refs.List("refs/heads/", skipped.Add).Select(entry => entry.Name).ToList();

        // git is the oracle for which refs count: it warns about (or silently drops) the same ones.
        var git = repo.Git("for-each-ref", "--format=%(refname)", "refs/heads/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(git, listed);
        Assert.Contains("refs/heads/main", listed);
        Assert.Contains(skipped, line => line.StartsWith("ignoring broken ref refs/heads/bad", StringComparison.Ordinal));
        Assert.Contains(skipped, line => line.StartsWith("ignoring ref with broken name refs/heads/sp ace", StringComparison.Ordinal));
        Assert.Contains(skipped, line => line.StartsWith("ignoring broken ref refs/heads/chain1", StringComparison.Ordinal));
        Assert.DoesNotContain(skipped, line => line.Contains("x.lock", StringComparison.Ordinal)); // an update in progress
        Assert.Equal(listed, opened.Refs.List("refs/heads/").Select(entry => entry.Name)); // silently without a callback
    }

    [Fact]
    public void ABrokenLooseRefAlsoHidesItsPackedValue()
    {
        using BupRepository repo = RepositoryWithOneSave();
        repo.Git("pack-refs", "--all");
        string commit = repo.Git("rev-parse", "refs/heads/main").Trim();
        File.WriteAllText(Path.Join(repo.GitDir, "refs", "heads", "main"), "not an id\n");
        using Repository opened = Repository.Open(repo.GitDir);
        var listed = opened.Refs.List("refs/heads/").Select(entry => entry.Name).ToList();
        Assert.DoesNotContain("refs/heads/main", listed);
        Assert.Contains(File.ReadLines(Path.Join(repo.GitDir, "packed-refs")), line => line == $"{commit} refs/heads/main");
        var git = repo.Git("for-each-ref", "--format=%(refname)", "refs/heads/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(git, listed);
    }

    [Fact]
    public void TheMountShowsTheGoodBranchesBesideBrokenRefs()
    {
        using BupRepository repo = RepositoryWithBrokenRefs();
        using CliMount mount = CliMount.Start(repo);
        var branches = Directory.GetFileSystemEntries(mount.Path).Select(Path.GetFileName).ToList();
        Assert.Contains("main", branches);
        Assert.Contains("alias", branches);
        Assert.DoesNotContain("bad", branches);
        Assert.DoesNotContain("sp ace", branches);
        Assert.Equal("hello\n", File.ReadAllText(mount["main/latest/hello.txt"]));
    }

    private static BupRepository RepositoryWithOneSave()
    {
        BupRepository repo = BupRepository.Create();
        string source = repo.Path("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Join(source, "hello.txt"), "hello\n");
        repo.Save("main", source, date: 1_700_000_000);
        return repo;
    }

    /// <summary>A bup save on main, plus loose refs git itself ignores or warns about.</summary>
    private static BupRepository RepositoryWithBrokenRefs()
    {
        BupRepository repo = RepositoryWithOneSave();
        string commit = repo.Git("rev-parse", "refs/heads/main").Trim();
        string heads = Path.Join(repo.GitDir, "refs", "heads");
        File.WriteAllText(Path.Join(heads, "bad"), "garbage\n");
        File.WriteAllText(Path.Join(heads, "sp ace"), commit + "\n");
        File.WriteAllText(Path.Join(heads, "x.lock"), commit + "\n");
        File.WriteAllText(Path.Join(heads, "alias"), "ref: refs/heads/main\n");
        Directory.CreateDirectory(Path.Join(heads, "d"));
        File.WriteAllText(Path.Join(heads, "d", "sym"), "ref: refs/heads/nowhere\n");
        for (int i = 1; i <= 7; i++)
        {
            File.WriteAllText(Path.Join(heads, $"chain{i}"), $"ref: refs/heads/chain{i + 1}\n");
        }

        File.WriteAllText(Path.Join(heads, "chain8"), commit + "\n");
        return repo;
    }
}
