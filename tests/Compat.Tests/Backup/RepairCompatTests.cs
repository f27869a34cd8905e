using BupStore.Objects;
using Compat.Tests.Support;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// Damage, quarantine and repair checked with the real bup 0.33, git and par2: a pack with flipped
/// bytes in one chunk of a save; a save after a failed read writes that chunk again; fsck --repair
/// moves the pack aside, keeps everything else and lists what is lost; par2 recovery files written
/// by either program repair the pack under the other.
/// </summary>
public sealed class RepairCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string QuarantineFile => Path.Combine(_ws.Repo, "bupfs-quarantine");

    [Fact]
    public void A_save_after_a_read_found_a_chunk_damaged_writes_it_again_and_restores_whole()
    {
        var chunk = SaveSource();
        var pack = PackDamage.FlipInside(_ws.Repo, chunk);

        Assert.NotEqual(0, Restore("t", "broken").Exit);
        Assert.Contains($"pack\t{Path.GetFileNameWithoutExtension(pack)}\t", File.ReadAllText(QuarantineFile), StringComparison.Ordinal);

        // The index still vouches for big.bin, whose chunk tree is intact: only the quarantine makes this save read it again.
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        AssertRestoresWhole("t");
        Assert.True(File.Exists(pack), "reads and saves never remove a pack");
    }

    [Fact]
    public void Repair_moves_the_damaged_pack_aside_keeps_the_rest_lists_the_lost_chunk_and_the_next_save_is_whole()
    {
        var chunk = SaveSource();
        var other = Path.Combine(_ws.Root, "other");
        Directory.CreateDirectory(other);
        File.WriteAllBytes(Path.Combine(other, "o.bin"), MixedData.Create(300_000, 9));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", other));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "o", other));
        var pack = PackDamage.FlipInside(_ws.Repo, chunk);

        var repair = _ws.Bupfs("fsck", "--repair");
        Assert.Equal((1, $"lost {chunk}\n"), (repair.Exit, repair.Stdout));
        Assert.False(File.Exists(pack));
        var aside = Directory.GetFiles(Path.Combine(_ws.Repo, "bupfs-damaged"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order();
        Assert.Equal([Path.GetFileName(Path.ChangeExtension(pack, ".idx")), Path.GetFileName(pack)], aside);
        Assert.Contains($"lost\t{chunk}\t", File.ReadAllText(QuarantineFile), StringComparison.Ordinal);

        // Every pack left is sound for git and bup; the save that did not use the chunk is whole.
        Assert.Equal(0, _ws.Bup("fsck").Exit);
        foreach (var idx in Directory.GetFiles(Path.Combine(_ws.Repo, "objects", "pack"), "*.idx"))
        {
            _ws.Git("verify-pack", idx);
        }

        Assert.Equal(0, _ws.Bupfs("restore", "-C", Path.Combine(_ws.Root, "o-restored"), $"/o/latest/{other.TrimStart('/')}/").Exit);
        Assert.Equal(File.ReadAllBytes(Path.Combine(other, "o.bin")), File.ReadAllBytes(Path.Combine(_ws.Root, "o-restored", "o.bin")));
        Assert.NotEqual(0, Restore("t", "broken").Exit);

        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        AssertRestoresWhole("t");
        AssertGitFsckClean();
        Assert.DoesNotContain(chunk.ToString(), File.ReadAllText(QuarantineFile), StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_of_a_sound_repository_changes_nothing()
    {
        SaveSource();
        var before = Listing();
        var repair = _ws.Bupfs("fsck", "--repair");
        Assert.Equal((0, string.Empty), (repair.Exit, repair.Stdout));
        Assert.Equal(before, Listing());
    }

    [Fact]
    public void Repair_rebuilds_a_missing_idx_of_a_sound_pack_as_git_index_pack_writes_it()
    {
        SaveSource();
        var idx = Directory.GetFiles(Path.Combine(_ws.Repo, "objects", "pack"), "*.idx").Single();
        var original = File.ReadAllBytes(idx);
        File.Delete(idx);

        var repair = _ws.Bupfs("fsck", "-r");
        Assert.Equal((100, string.Empty), (repair.Exit, repair.Stdout));
        Assert.Equal(original, File.ReadAllBytes(idx));
        Assert.False(Directory.Exists(Path.Combine(_ws.Repo, "bupfs-damaged")));
        AssertGitFsckClean();
        AssertRestoresWhole("t");
    }

    [Fact]
    public void Par2_files_bupfs_writes_let_bup_repair_a_damaged_pack()
    {
        RequirePar2();
        var chunk = SaveSource();
        Assert.Contains(" generated", SaveCompatWorkspace.Ok(_ws.Bupfs("fsck", "-g", "-v")), StringComparison.Ordinal);
        Assert.Contains(" exists", SaveCompatWorkspace.Ok(_ws.Bupfs("fsck", "-g", "-v")), StringComparison.Ordinal);
        var pack = PackDamage.FlipInside(_ws.Repo, chunk);
        Assert.True(File.Exists(pack[..^5] + ".par2") && File.Exists(pack[..^5] + ".vol000+200.par2"));
        Assert.Contains("par2 verify: failed", _ws.Bupfs("fsck").Stderr, StringComparison.Ordinal);

        Assert.Equal(100, _ws.Bup("fsck", "-r").Exit);
        _ws.Git("verify-pack", Path.ChangeExtension(pack, ".idx"));
        AssertGitFsckClean();
        SaveCompatWorkspace.Ok(_ws.Bupfs("fsck"));
        AssertRestoresWhole("t");
    }

    [Fact]
    public void Par2_files_bup_writes_let_bupfs_repair_a_damaged_pack_in_place()
    {
        RequirePar2();
        var chunk = SaveSource();
        SaveCompatWorkspace.Ok(_ws.Bup("fsck", "-g"));
        var pack = PackDamage.FlipInside(_ws.Repo, chunk);
        Assert.NotEqual(0, _ws.Bup("fsck").Exit);

        var repair = _ws.Bupfs("fsck", "-r");
        Assert.Equal((100, string.Empty), (repair.Exit, repair.Stdout));
        _ws.Git("verify-pack", Path.ChangeExtension(pack, ".idx"));
        AssertGitFsckClean();
        Assert.Equal(0, _ws.Bup("fsck").Exit);
        Assert.Equal([Path.GetFileName(pack) + ".1"], Directory.GetFiles(Path.Combine(_ws.Repo, "bupfs-damaged"), "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        AssertRestoresWhole("t");
    }

    private static void RequirePar2()
    {
        if (!File.Exists("/usr/bin/par2"))
        {
            Assert.Skip("par2 is not installed");
        }
    }

    /// <summary>Saves a 2 MB file and a small one as branch t; returns the largest chunk of the big file.</summary>
    private ObjectId SaveSource()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllBytes(Path.Combine(_ws.Source, "big.bin"), MixedData.Create(2_000_000, 5));
        File.WriteAllText(Path.Combine(_ws.Source, "small.txt"), string.Concat(Enumerable.Repeat("hello\n", 1000)));
        Thread.Sleep(1100); // out of the index's racy window, so the index vouches for both files
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        return PackDamage.LargestChunk(_ws.Git("ls-tree", "-r", "-l", "t"), "big.bin");
    }

    private (int Exit, string Stdout, string Stderr) Restore(string branch, string into) =>
        _ws.Bupfs("restore", "-C", Path.Combine(_ws.Root, into), $"/{branch}/latest/{_ws.SavedSource}/");

    private void AssertRestoresWhole(string branch)
    {
        var into = $"restored-{Guid.NewGuid():N}";
        SaveCompatWorkspace.Ok(Restore(branch, into));
        foreach (var name in new[] { "big.bin", "small.txt" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Source, name)), File.ReadAllBytes(Path.Combine(_ws.Root, into, name)));
        }
    }

    private void AssertGitFsckClean()
    {
        var fsck = _ws.Run("git", ["--git-dir", _ws.Repo, "fsck", "--strict", "--full", "--no-dangling"]);
        Assert.Equal(0, fsck.Exit);
        Assert.DoesNotMatch("(error|warning|broken|missing|bad|corrupt)", fsck.Stdout + fsck.Stderr.Replace("notice: HEAD points to an unborn branch (master)", "", StringComparison.Ordinal));
    }

    private string[] Listing() =>
        [.. Directory.GetFiles(_ws.Repo, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks}")];
}
