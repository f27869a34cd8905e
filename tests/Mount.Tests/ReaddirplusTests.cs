using BupFs.Repo;
using Mono.Unix.Native;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// Readdirplus hands the kernel a node id for every entry; the view must count those as lookups.
/// With a small idle-node budget an uncounted entry is dropped from the view while the kernel
/// still addresses it, and opening it fails (ENOENT for a file that is plainly listed).
/// </summary>
public sealed class ReaddirplusTests
{
    private const int Files = 400;

    [Fact]
    public async Task EveryListedEntryStaysOpenableWhenFewIdleNodesAreKept()
    {
        using BupRepository repo = BupRepository.Create();
        string source = repo.Path("src");
        Directory.CreateDirectory(source);
        for (int i = 0; i < Files; i++)
        {
            File.WriteAllText(Path.Join(source, $"file-{i:D4}.txt"), $"content of file {i}\n");
        }

        repo.Save("main", source, date: 1_700_000_000);
        await using ViewMount mount = ViewMount.Create(repo, new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, RetainedIdleNodes = 16 });
        string folder = mount["main/latest"];

        // The first listing of a folder is one readdirplus: the kernel now knows all 400 entries.
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Files, names.Count);
        var failures = new List<string>();
        foreach (string? name in names)
        {
            // open(2) sends the kernel's node id for the listed dentry, without a new LOOKUP.
            Errno error = SysCalls.Open(Path.Join(folder, name));
            if (error != 0)
            {
                failures.Add($"{name}: {error}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal("content of file 123\n", File.ReadAllText(Path.Join(folder, "file-0123.txt")));
    }
}
