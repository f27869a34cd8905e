using Compat.Tests.Support;
using TestSupport;

namespace Compat.Tests;

/// <summary>bupfs ls prints what bup ls prints, byte for byte, on saves real bup made of a rich tree.</summary>
public sealed class LsCompatTests : IClassFixture<LsCompatTests.SavedTree>
{
    private readonly SavedTree _saved;

    public LsCompatTests(SavedTree saved) => _saved = saved;

    [Theory]
    [InlineData("-l")]
    [InlineData("-la")]
    [InlineData("-lA")]
    [InlineData("-l --numeric-ids")]
    [InlineData("-l --human-readable")]
    [InlineData("-s")]
    [InlineData("-F")]
    [InlineData("--file-type")]
    [InlineData("-a")]
    public void Listings_of_save_folders_equal_bup_ls(string options)
    {
        foreach (var folder in new[] { "", "/modes", "/links", "/hard", "/boundary", "/names", "/small/d1/e1" })
        {
            Same([.. options.Split(' '), $"/t/latest{_saved.Source}{folder}"]);
        }
    }

    [Theory]
    [InlineData("-l")]
    [InlineData("-s")]
    [InlineData("-la")]
    [InlineData("--commit-hash")]
    public void Listings_of_the_root_and_branches_equal_bup_ls(string options)
    {
        foreach (var path in new[] { "/", "/t", "/t/latest", "/.tag" })
        {
            Same([options, path]);
        }
    }

    [Fact]
    public void Single_entries_directories_and_several_paths_equal_bup_ls()
    {
        var root = $"/t/latest{_saved.Source}";
        Same(["-l", $"{root}/text.txt"]);
        Same(["-l", $"{root}/links/relative"]);
        Same(["-ld", $"{root}/modes"]);
        Same(["-l", $"{root}/modes/../links"]);
        Same(["-l", $"{root}/boundary", $"{root}/text.txt"]);
    }

    private void Same(string[] args) => Assert.Equal(_saved.Tool.Bup(["ls", .. args]), _saved.Tool.Bupfs(["ls", .. args]));

    /// <summary>One rich tree saved twice by real bup (two saves make the branch listing interesting).</summary>
    public sealed class SavedTree : IDisposable
    {
        public SavedTree()
        {
            Source = Path.Combine(Tool.Root, "src");
            SampleTree.Create(Source, SampleTreeOptions.Small with { Devices = true, Socket = true, SmallFiles = 20 });
            Tool.Bup("init");
            Tool.Bup("index", Source);
            Tool.Bup("save", "-n", "t", "-d", "1600000000", Source);
            Tool.Bup("save", "-n", "t", "-d", "1600000100", Source);
            Tool.Bup("tag", "v1", "t");
        }

        internal BupfsTool Tool { get; } = new();

        public string Source { get; }

        public void Dispose() => Tool.Dispose();
    }
}
