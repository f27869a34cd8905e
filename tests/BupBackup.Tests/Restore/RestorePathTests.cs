using System.Text;
using BupBackup.Restore;

namespace BupBackup.Tests.Restore;

/// <summary>bup restore's reading of a path argument (cmd/restore.py: valid_restore_path, "latest", trailing "/" and "/.").</summary>
public sealed class RestorePathTests
{
    [Theory]
    [InlineData("/b/latest/home/me", "Item", "me", false)]
    [InlineData("/b/latest", "Item", "latest", true)]
    [InlineData("b/latest", "Item", "latest", true)]
    [InlineData("/b/./latest", "Item", "latest", true)]
    [InlineData("/b/latest/latest", "Item", "latest", false)]
    [InlineData("/b/2024-01-02-030405", "Item", "2024-01-02-030405", false)]
    [InlineData("/b/latest/home/me/", "Contents", "", true)]
    [InlineData("/b/latest/", "Contents", "", true)]
    [InlineData("/b/latest/home/me/.", "ContentsAndSelf", "", true)]
    [InlineData("/.tag/t", "Item", "t", false)]
    public void ModesAndNamesFollowBup(string path, string mode, string name, bool follow)
    {
        var parsed = RestorePath.Parse(Encoding.UTF8.GetBytes(path), out var problem);

        Assert.Null(problem);
        Assert.NotNull(parsed);
        Assert.Equal((mode, name, follow), (parsed.Mode.ToString(), Encoding.UTF8.GetString(parsed.Name), parsed.FollowFinalSymlink));
    }

    [Theory]
    [InlineData("/b", "doesn't include a branch and revision")]
    [InlineData("/b/", "doesn't include a branch and revision")]
    [InlineData("/", "doesn't include a branch and revision")]
    [InlineData("/b/latest/..", "doesn't include a branch and revision")]
    [InlineData("/b/latest/x/..", "ends in '..'")]
    public void PathsBupRefusesAreRefused(string path, string message)
    {
        Assert.Null(RestorePath.Parse(Encoding.UTF8.GetBytes(path), out var problem));
        Assert.Contains(message, problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("/")]
    [InlineData("a\0b")]
    public void UnsafeEntryNamesHaveAProblem(string name) => Assert.NotNull(PathSafety.Problem(Encoding.UTF8.GetBytes(name)));

    [Theory]
    [InlineData("a")]
    [InlineData("...")]
    [InlineData(".hidden")]
    [InlineData("a\\b")]
    public void OrdinaryNamesAreSafe(string name) => Assert.Null(PathSafety.Problem(Encoding.UTF8.GetBytes(name)));
}
