using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// bupfs save checked by the real bup 0.33 and git: bup restores a bupfs save to a tree equal to the
/// source, bup ls and git fsck accept it, and its trees are bit for bit those bup save writes.
/// </summary>
public sealed class SaveCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static SampleTreeOptions Rich => SampleTreeOptions.Small with { Devices = true, Socket = true, SmallFiles = 300 };

    [Fact]
    public void Bup_restore_of_a_bupfs_save_equals_the_source()
    {
        var tree = _ws.CreateTree(Rich);
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        var restored = Path.Combine(_ws.Root, "restored");
        SaveCompatWorkspace.Ok(_ws.Bup("restore", "-C", restored, $"t/latest/{_ws.SavedSource}/"));

        var options = new TreeCompareOptions { Owners = tree.Owners };
        Assert.Empty(TreeComparer.Compare(_ws.Source, restored, options));
    }

    [Fact]
    public void Bupfs_restore_of_a_bupfs_save_keeps_xattrs_too()
    {
        var tree = _ws.CreateTree(Rich);
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        var restored = Path.Combine(_ws.Root, "restored");
        SaveCompatWorkspace.Ok(_ws.Bupfs("restore", "-C", restored, $"/t/latest/{_ws.SavedSource}/"));
        Assert.Empty(TreeComparer.Compare(_ws.Source, restored, new TreeCompareOptions { Owners = tree.Owners }));
    }

    [Fact]
    public void Bup_ls_and_git_fsck_accept_a_bupfs_save()
    {
        _ws.CreateTree(Rich);
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        var listing = SaveCompatWorkspace.Ok(_ws.Bup("ls", "-l", $"t/latest/{_ws.SavedSource}"));
        Assert.Contains("random.bin", listing, StringComparison.Ordinal);
        Assert.Contains("links/", SaveCompatWorkspace.Ok(_ws.Bup("ls", "-F", $"t/latest/{_ws.SavedSource}")), StringComparison.Ordinal);
        var fsck = _ws.Run("git", ["--git-dir", _ws.Repo, "fsck", "--strict", "--no-dangling"]);
        Assert.Equal(0, fsck.Exit);
        Assert.DoesNotMatch("(error|warning|broken|missing)", fsck.Stdout + fsck.Stderr.Replace("notice: HEAD points to an unborn branch (master)", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Trees_are_identical_to_a_first_bup_save()
    {
        // With xattrs and ACLs, so their records must be encoded as bup encodes them. bup runs first:
        // its directory listing sets the directories' atime, which both then record the same.
        _ws.CreateTree(Rich);
        SaveCompatWorkspace.Ok(_ws.Bup("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bup("save", "--strip", "-n", "bup", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "--strip", "-n", "bupfs", _ws.Source));
        Assert.Equal(_ws.Git("rev-parse", "bup^{tree}"), _ws.Git("rev-parse", "bupfs^{tree}"));
    }

    [Fact]
    public void Graft_and_strip_path_lay_out_the_save_as_bup_does()
    {
        _ws.CreateTree(SampleTreeOptions.Small with { SmallFiles = 20 });
        SaveCompatWorkspace.Ok(_ws.Bup("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        var graft = $"{_ws.Source}=/x/y";
        SaveCompatWorkspace.Ok(_ws.Bup("save", "--graft", graft, "-n", "bupg", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "--graft", graft, "-n", "bupfsg", _ws.Source));
        Assert.Equal(_ws.Git("rev-parse", "bupg:x/y"), _ws.Git("rev-parse", "bupfsg:x/y"));
        Assert.Equal(Names(_ws.Git("ls-tree", "-r", "--name-only", "bupg")), Names(_ws.Git("ls-tree", "-r", "--name-only", "bupfsg")));

        var parent = Path.GetDirectoryName(_ws.Root)!;
        SaveCompatWorkspace.Ok(_ws.Bup("save", "--strip-path", parent, "-n", "bupp", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "--strip-path", parent, "-n", "bupfsp", _ws.Source));
        var saved = _ws.Source[(parent.Length + 1)..];
        Assert.Equal(_ws.Git("rev-parse", $"bupp:{saved}"), _ws.Git("rev-parse", $"bupfsp:{saved}"));
        Assert.Equal(Names(_ws.Git("ls-tree", "-r", "--name-only", "bupp")), Names(_ws.Git("ls-tree", "-r", "--name-only", "bupfsp")));
    }

    private static string[] Names(string listing) => listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Commits_chain_on_the_branch_with_bup_saves_message()
    {
        _ws.CreateTree(SampleTreeOptions.Small with { SmallFiles = 5 });
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        var first = _ws.Git("rev-parse", "t").Trim();
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "t", _ws.Source));
        Assert.Equal(first, _ws.Git("rev-parse", "t^").Trim());
        Assert.Equal($"bup save\n\nGenerated by command:\n['save', '-n', 't', '{_ws.Source}']\n", _ws.Git("log", "-1", "--format=%B", "t").TrimEnd('\n') + "\n");
        Assert.Equal(2, SaveCompatWorkspace.Ok(_ws.Bup("ls", "t")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
    }

    [Fact]
    public void A_file_that_vanished_makes_the_exit_status_1_as_with_bup()
    {
        _ws.CreateTree(SampleTreeOptions.Small with { SmallFiles = 5 });
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        SaveCompatWorkspace.Ok(_ws.Bup("index", _ws.Source));
        File.Delete(Path.Combine(_ws.Source, "text.txt"));
        var bup = _ws.Bup("save", "-n", "bup", _ws.Source);
        var ours = _ws.Bupfs("save", "-n", "t", _ws.Source);
        Assert.Equal(1, bup.Exit);
        Assert.Equal(bup.Exit, ours.Exit);
        Assert.Contains("text.txt", ours.Stderr, StringComparison.Ordinal);
        Assert.Contains("WARNING: 1 errors encountered while saving.", ours.Stderr, StringComparison.Ordinal);
        Assert.Contains("random.bin", SaveCompatWorkspace.Ok(_ws.Bup("ls", $"t/latest/{_ws.SavedSource}")), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_drawn_when_stderr_is_not_a_terminal_and_verbose_lists_what_was_read()
    {
        _ws.CreateTree(SampleTreeOptions.Small with { SmallFiles = 5 });
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        var quiet = _ws.Bupfs("save", "-n", "t", _ws.Source);
        Assert.Equal((0, ""), (quiet.Exit, quiet.Stderr));
        File.AppendAllText(Path.Combine(_ws.Source, "text.txt"), "more");
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", _ws.Source));
        var verbose = _ws.Bupfs("save", "-v", "-n", "t", _ws.Source);
        Assert.Contains($"M {_ws.Source}/text.txt", verbose.Stderr, StringComparison.Ordinal);
        Assert.Contains("from 1 files", verbose.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("random.bin", verbose.Stderr, StringComparison.Ordinal);
    }
}
