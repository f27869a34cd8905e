using Compat.Tests.Support;

namespace Compat.Tests.Backup;

/// <summary>
/// -r/--remote with a local repository (PATH or :PATH), as bup's own tests use it: init, split,
/// join, ls, save (reading the index of the local BUP_DIR) and restore work on the other
/// repository, with the pack size limit taken from the local one. Real bup 0.33 writes to one
/// repository and bupfs to another; the trees must be the same.
/// </summary>
public sealed class RemoteOptionCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();

    public RemoteOptionCompatTests()
    {
        Directory.CreateDirectory(_ws.Source);
        File.WriteAllBytes(Path.Combine(_ws.Source, "data"), MixedData.Create(300_000, 4));
        File.WriteAllText(Path.Combine(_ws.Source, "small.txt"), "small\n");
        Thread.Sleep(1100); // out of the index's racy window
    }

    public void Dispose() => _ws.Dispose();

    private string Other(string name) => Path.Combine(_ws.Root, name);

    [Fact]
    public void Init_split_join_and_ls_work_on_the_other_repository()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("init", "-r", ":" + Other("bup-r")));
        SaveCompatWorkspace.Ok(_ws.Bupfs("init", "-r", ":" + Other("ours-r")));
        Assert.True(Directory.Exists(Path.Combine(Other("ours-r"), "objects", "pack")));

        var bupTree = SaveCompatWorkspace.Ok(_ws.Bup("split", "-r", Other("bup-r"), "-t", "-n", "x", "src/data"));
        var ourTree = SaveCompatWorkspace.Ok(_ws.Bupfs("split", "-r", ":" + Other("ours-r"), "-t", "-n", "x", "src/data"));
        Assert.Equal(bupTree, ourTree);
        Assert.Empty(Directory.GetFiles(Path.Combine(_ws.Repo, "objects", "pack"), "*.pack"));

        SaveCompatWorkspace.Ok(_ws.Bupfs("join", "-r", Other("ours-r"), "-o", "joined", "x"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Source, "data")), File.ReadAllBytes(Other("joined")));
        Assert.Equal(SaveCompatWorkspace.Ok(_ws.Bup("ls", "-r", ":" + Other("bup-r"), "x/latest")), SaveCompatWorkspace.Ok(_ws.Bupfs("ls", "-r", ":" + Other("ours-r"), "x/latest")));
    }

    [Fact]
    public void Save_reads_the_local_index_and_writes_the_other_repository()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("-d", Other("bup-r"), "init"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("-d", Other("ours-r"), "init"));
        SaveCompatWorkspace.Ok(_ws.Bup("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "src"));
        SaveCompatWorkspace.Ok(_ws.Bup("save", "-r", ":" + Other("bup-r"), "-n", "t", "-d", "1700000000", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-r", ":" + Other("ours-r"), "-n", "t", "-d", "1700000000", "src"));
        Assert.Contains("small.txt", Tree("ours-r"), StringComparison.Ordinal);
        Assert.Equal(Tree("bup-r"), Tree("ours-r"));

        var restored = Other("restored");
        SaveCompatWorkspace.Ok(_ws.Bupfs("restore", "-r", ":" + Other("ours-r"), "-C", restored, $"/t/latest/{_ws.SavedSource}/"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_ws.Source, "data")), File.ReadAllBytes(Path.Combine(restored, "data")));
    }

    [Fact]
    public void The_pack_size_limit_is_the_local_repositorys_as_in_bup()
    {
        SaveCompatWorkspace.Ok(_ws.Bup("-d", Other("bup-r"), "init"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("-d", Other("ours-r"), "init"));
        _ws.Git("config", "pack.packSizeLimit", "10k");
        SaveCompatWorkspace.Ok(_ws.Bup("split", "-r", Other("bup-r"), "-n", "foo", "src/data"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("split", "-r", Other("ours-r"), "-n", "foo", "src/data"));
        var bupPacks = Directory.GetFiles(Path.Combine(Other("bup-r"), "objects", "pack"), "*.pack").Length;
        var ourPacks = Directory.GetFiles(Path.Combine(Other("ours-r"), "objects", "pack"), "*.pack").Length;
        Assert.True(bupPacks > 2 && ourPacks > 2, $"bup {bupPacks} packs, bupfs {ourPacks}");
    }

    [Fact]
    public void A_host_is_refused_in_one_line()
    {
        var ours = _ws.Bupfs("ls", "-r", "somehost:/repo");
        Assert.NotEqual(0, ours.Exit);
        Assert.Single(ours.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    // The saved files and chunks; the .bupm records are left out, as their atimes change with each read.
    private string Tree(string repo) =>
        string.Join('\n', _ws.Run("git", ["--git-dir", Other(repo), "ls-tree", "-r", "t"]).Stdout.Split('\n').Where(l => !l.EndsWith("/.bupm", StringComparison.Ordinal) && !l.EndsWith("\t.bupm", StringComparison.Ordinal)));
}
