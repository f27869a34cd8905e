using Mono.Unix.Native;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// A hardlink set that changes between index and save (a b c d one file when indexed; c d then
/// replaced by a new pair with other content): the save records the indexed target for all four,
/// and bup restore links only the members that still match (cmd/restore.py hardlink_compatible).
/// bupfs must restore what real bup 0.33 restores: a b one file, c d another, with c's own content,
/// from bup's save and from its own, to disk and to tar.
/// </summary>
public sealed class HardlinkChangeCompatTests : IDisposable
{
    private static readonly string[] Names = ["a", "b", "c", "d"];
    private readonly ScratchFolder _scratch = new("bupfs-hardlink-change-");

    [Fact]
    public void ChangedLinkSetRestoresAsBupRestoresIt()
    {
        SkipIfNoBup();
        var (bupRepo, bupfsRepo) = (SaveChangedSet("bup"), SaveChangedSet("bupfs"));

        var expected = Restore(bupRepo, "bup", "bup-of-bup");
        Assert.Equal(Expected, expected);
        Assert.Equal(expected, Restore(bupRepo, "bupfs", "bupfs-of-bup"));
        Assert.Equal(expected, Restore(bupfsRepo, "bupfs", "bupfs-of-bupfs"));
        Assert.Equal(expected, Restore(bupfsRepo, "bup", "bup-of-bupfs"));
    }

    [Fact]
    public void ChangedLinkSetRestoresAsBupRestoresItThroughTar()
    {
        SkipIfNoBup();
        var repo = SaveChangedSet("bup");
        var expected = Restore(repo, "bup", "bup-restore");
        var output = _scratch["from-tar"];
        Directory.CreateDirectory(output);

        RestoreCli.Check(RestoreCli.Sh(repo, $"{RestoreCli.BupfsCommand} restore --tar /x/latest/. | tar -x -C '{output}'"), "bupfs restore --tar");

        Assert.Equal(expected, Describe(output));
    }

    public void Dispose() => _scratch.Dispose();

    // Content, the group each file is in (by first name with its inode) and the link count.
    private static string[] Expected => ["a aaaa a 2", "b aaaa a 2", "c cccccc c 2", "d cccccc c 2"];

    private string SaveChangedSet(string tool)
    {
        var source = _scratch[tool + "-src"];
        var repo = _scratch[tool + "-repo"];
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "a"), "aaaa");
        foreach (var name in Names[1..])
        {
            Link(source, "a", name);
        }

        Run(tool, repo, "init");
        Run(tool, repo, "index", source);
        File.Delete(Path.Combine(source, "c"));
        File.Delete(Path.Combine(source, "d"));
        File.WriteAllText(Path.Combine(source, "c"), "cccccc");
        Link(source, "c", "d");
        Run(tool, repo, "save", "-q", "--strip", "-n", "x", source);
        return repo;
    }

    private string[] Restore(string repo, string tool, string folder)
    {
        var output = _scratch[folder];
        Run(tool, repo, "restore", "-q", "-C", output, "/x/latest/.");
        return Describe(output);
    }

    private static string[] Describe(string folder)
    {
        var inodes = new Dictionary<ulong, string>();
        return [.. Names.Select(name =>
        {
            var path = Path.Combine(folder, name);
            Assert.Equal(0, Syscall.lstat(path, out var stat));
            var group = inodes.TryGetValue(stat.st_ino, out var first) ? first : inodes[stat.st_ino] = name;
            return $"{name} {File.ReadAllText(path)} {group} {stat.st_nlink}";
        })];
    }

    private static void Link(string folder, string existing, string name) =>
        Assert.Equal(0, Syscall.link(Path.Combine(folder, existing), Path.Combine(folder, name)));

    private static void Run(string tool, string repo, params string[] args) =>
        RestoreCli.Check(tool == "bup" ? RestoreCli.Bup(repo, args) : RestoreCli.Bupfs(repo, args), $"{tool} {string.Join(' ', args)}");

    private static void SkipIfNoBup()
    {
        if (!RestoreCli.Exists("bup"))
        {
            Assert.Skip("bup is not installed");
        }
    }
}
