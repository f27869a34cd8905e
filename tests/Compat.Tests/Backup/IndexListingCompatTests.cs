using System.Diagnostics;

namespace Compat.Tests.Backup;

/// <summary>
/// bup index's listings (-p, -s, -m, -l) and -x, run with real bup and with bupfs on one tree
/// from one working directory: outputs must be byte for byte the same, as must exit statuses.
/// </summary>
public sealed class IndexListingCompatTests : IDisposable
{
    private readonly SaveCompatWorkspace _ws = new();
    private readonly List<string> _mounts = [];

    public IndexListingCompatTests()
    {
        Directory.CreateDirectory(Path.Combine(_ws.Source, "a", "b"));
        Directory.CreateDirectory(Path.Combine(_ws.Source, "c"));
        File.WriteAllText(Path.Combine(_ws.Source, "a", "b", "f"), "f");
        File.WriteAllText(Path.Combine(_ws.Source, "a-b"), "dash sorts before slash");
        File.WriteAllText(Path.Combine(_ws.Source, "c", "g"), "g");
        File.WriteAllText(Path.Combine(_ws.Source, "top"), "top");
        Thread.Sleep(1100);
    }

    public void Dispose()
    {
        foreach (var mount in Enumerable.Reverse(_mounts))
        {
            _ws.Run("umount", [mount]);
        }

        _ws.Dispose();
    }

    /// <summary>Runs <paramref name="args"/> with both tools in <paramref name="cwd"/> and checks stdout and exit status agree.</summary>
    private void Same(string cwd, params string[] args)
    {
        var bup = _ws.BupIn(cwd, args);
        var ours = _ws.BupfsIn(cwd, args);
        Assert.True(bup.Stdout == ours.Stdout, $"{string.Join(' ', args)} in {cwd}:\nbup:\n{bup.Stdout}\nbupfs:\n{ours.Stdout}\n{ours.Stderr}");
        Assert.Equal(bup.Exit, ours.Exit);
    }

    private void IndexWithBoth(params string[] args)
    {
        SaveCompatWorkspace.Ok(_ws.Bup(["index", .. args]));
        SaveCompatWorkspace.Ok(_ws.Bupfs(["index", .. args]));
    }

    [Fact]
    public void Listings_name_paths_as_given_children_first()
    {
        IndexWithBoth("src");
        Same(_ws.Root, "index", "-p");
        Same(_ws.Root, "index", "-p", "src");
        Same(_ws.Root, "index", "-s", "src/a", "./src/c");
        Same(_ws.Root, "index", "-p", "-l", _ws.Source + "/");
        Same(_ws.Root, "index", "-p", "src/a/b/f", "src/a/b/f");
        Same(_ws.Source, "index", "-p");
        Same(_ws.Source, "index", "-s", "a/b", "..");
        Same(Path.Combine(_ws.Source, "c"), "index", "-m");
    }

    [Fact]
    public void Status_and_modified_listings_after_a_save_and_a_change()
    {
        IndexWithBoth("src");
        SaveCompatWorkspace.Ok(_ws.Bup("save", "-n", "bup", "src"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("save", "-n", "bupfs", "src"));
        File.AppendAllText(Path.Combine(_ws.Source, "a", "b", "f"), "more");
        File.WriteAllText(Path.Combine(_ws.Source, "c", "new"), "new");
        Thread.Sleep(1100);
        IndexWithBoth("src");
        Same(_ws.Root, "index", "-s", "src");
        Same(_ws.Root, "index", "-m", "src");
        Same(_ws.Source, "index", "-m");
    }

    [Fact]
    public void A_path_that_does_not_exist_is_an_error_and_the_rest_is_listed()
    {
        IndexWithBoth("src");
        Same(_ws.Root, "index", "-p", "src/c", "nonexistent");
    }

    [Fact]
    public void Xdev_enters_a_mount_point_named_on_the_command_line()
    {
        var inner = Path.Combine(_ws.Source, "a", "mnt");
        var named = Path.Combine(_ws.Root, "mnt");
        MountTmpfs(inner, "in");
        MountTmpfs(named, "named");
        Directory.CreateDirectory(Path.Combine(named, "sub"));
        File.WriteAllText(Path.Combine(named, "sub", "deep"), "deep");
        Thread.Sleep(1100);

        // The inner mount is named too, so -x enters it; the source alone would stop at it.
        IndexWithBoth("-x", "src", "src/a/mnt", "mnt");
        Same(_ws.Root, "index", "-p", "src", "mnt");
        SaveCompatWorkspace.Ok(_ws.Bup("index", "--clear"));
        SaveCompatWorkspace.Ok(_ws.Bupfs("index", "--clear"));
        IndexWithBoth("-x", "src");
        Same(_ws.Root, "index", "-p", "src");
        Assert.DoesNotContain("src/a/mnt/in", SaveCompatWorkspace.Ok(_ws.Bupfs("index", "-p", "src")), StringComparison.Ordinal);
    }

    private void MountTmpfs(string path, string file)
    {
        Directory.CreateDirectory(path);
        using var mount = Process.Start("mount", ["-t", "tmpfs", "bupfs-test", path]);
        mount.WaitForExit();
        if (mount.ExitCode != 0)
        {
            Assert.Skip("mounting a tmpfs needs root");
        }

        _mounts.Add(path);
        File.WriteAllText(Path.Combine(path, file), file);
    }
}
