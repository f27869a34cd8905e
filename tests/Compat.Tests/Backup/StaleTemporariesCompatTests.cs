using System.Diagnostics;

namespace Compat.Tests.Backup;

/// <summary>
/// Temporaries a killed bupfs leaves in the repository are removed by the next writing command,
/// but never those of a writer still running; the repository stays one git and bup accept.
/// </summary>
public sealed class StaleTemporariesCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public StaleTemporariesCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllText(Path.Combine(_ws.Source, "a"), "a");
        Thread.Sleep(1100);
    }

    public void Dispose() => _ws.Dispose();

    private string Objects => Path.Combine(_ws.Repo, "objects");

    private static int DeadPid()
    {
        using var done = Process.Start("true")!;
        done.WaitForExit();
        return done.Id;
    }

    [Fact]
    public void A_killed_split_leaves_a_pack_folder_that_the_next_save_removes()
    {
        var start = new ProcessStartInfo(TestSupport.BupfsProgram.FileName) { RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var arg in TestSupport.BupfsProgram.Arguments(["-d", _ws.Repo, "split", "-n", "killed"]))
        {
            start.ArgumentList.Add(arg);
        }

        using var split = Process.Start(start)!;
        split.StandardInput.BaseStream.Write(Compat.Tests.Support.MixedData.Create(24 << 20, 3));
        split.StandardInput.BaseStream.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Directory.EnumerateDirectories(Objects, $"pack-tmp-{split.Id}-*").Any() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        split.Kill();
        split.WaitForExit();
        Assert.Single(Directory.EnumerateDirectories(Objects, "pack-tmp-*"));

        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", "src"));
        Assert.Empty(Directory.EnumerateDirectories(Objects, "pack-tmp-*"));
        Assert.Equal(0, _ws.Run("git", ["--git-dir", _ws.Repo, "fsck", "--no-dangling"]).Exit);
        Assert.Contains("a", SaveCompatWorkspace.Ok(_ws.Bup("ls", $"t/latest/{_ws.SavedSource}")), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_temporaries_of_processes_that_are_gone_are_removed()
    {
        using var live = Process.Start("sleep", ["60"])!;
        try
        {
            var dead = DeadPid();
            var stalePack = Directory.CreateDirectory(Path.Combine(Objects, $"pack-tmp-{dead}-{Guid.NewGuid():N}")).FullName;
            File.WriteAllText(Path.Combine(stalePack, "pack"), "partial");
            var liveDir = Directory.CreateDirectory(Path.Combine(Objects, $"pack-tmp-{live.Id}-{Guid.NewGuid():N}")).FullName;
            var staleIndex = Path.Combine(_ws.Repo, $".bupfs-index.tmp-{dead}-{Guid.NewGuid():N}");
            var liveIndex = Path.Combine(_ws.Repo, $".bupfs-index.tmp-{live.Id}-{Guid.NewGuid():N}");
            var unrelated = Path.Combine(_ws.Repo, "pack-tmp-notes");
            foreach (var file in new[] { staleIndex, liveIndex, unrelated })
            {
                File.WriteAllText(file, "x");
            }

            SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
            Assert.False(File.Exists(staleIndex));
            Assert.False(Directory.Exists(stalePack));
            Assert.True(Directory.Exists(liveDir), "a running writer's pack folder must stay");
            Assert.True(File.Exists(liveIndex), "a running writer's index must stay");
            Assert.True(File.Exists(unrelated));

            live.Kill();
            live.WaitForExit();
            SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", "src"));
            Assert.False(Directory.Exists(liveDir));
            Assert.False(File.Exists(liveIndex));
            Assert.True(File.Exists(unrelated));
        }
        finally
        {
            if (!live.HasExited)
            {
                live.Kill();
            }
        }
    }
}
