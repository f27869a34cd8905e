using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// The whole cycle without bup: <c>bupfs init</c>, <c>index</c>, <c>save</c>, then <c>bupfs restore</c>
/// gives a tree equal to the source in content and metadata, to disk and through <c>--tar</c>.
/// </summary>
public sealed class RestoreAfterBupfsSaveTests : IDisposable
{
    private readonly ScratchFolder _scratch = new("bupfs-save-restore-");

    private string Repository => _scratch["repo"];

    private string Source => _scratch["src"];

    private string Saved => "/s/latest" + Source;

    [Fact]
    public void BupfsSaveThenBupfsRestoreGivesTheSourceTree()
    {
        SaveSample();
        var dest = _scratch["dest"];

        RestoreCli.Check(RestoreCli.Bupfs(Repository, "restore", "-q", "--sparse", "-C", dest, Saved + "/."), "bupfs restore");

        Assert.Empty(TreeComparer.Compare(Source, dest, new TreeCompareOptions { Sparse = true, Root = true }));
    }

    [Fact]
    public void BupfsSaveThenTarThroughAPipeGivesTheSourceTree()
    {
        SaveSample();
        var dest = _scratch["dest"];
        Directory.CreateDirectory(dest);
        var script = $"{RestoreCli.BupfsCommand} restore --tar '{Saved}/.' | tar --xattrs --xattrs-include='*' --acls --numeric-owner -xf - -C '{dest}'";

        RestoreCli.Check(RestoreCli.Sh(Repository, script), "restore --tar | tar -x");

        Assert.Empty(TreeComparer.Compare(Source, dest, new TreeCompareOptions { Root = true }));
    }

    public void Dispose() => _scratch.Dispose();

    private void SaveSample()
    {
        SampleTree.Create(Source, new SampleTreeOptions { Devices = true });
        RestoreCli.Check(RestoreCli.Bupfs(Repository, "init"), "bupfs init");
        RestoreCli.Check(RestoreCli.Bupfs(Repository, "index", Source), "bupfs index");
        RestoreCli.Check(RestoreCli.Bupfs(Repository, "save", "-q", "-n", "s", Source), "bupfs save");
    }
}
