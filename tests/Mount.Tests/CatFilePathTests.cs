using System.Text;
using Mount.Tests.Support;

namespace Mount.Tests;

/// <summary>
/// `bupfs cat-file /BRANCH/SAVE/path`: a file of the repository view, reassembled from its
/// chunks, byte for byte as in the source and as real `bup cat-file` prints it; like bup 0.33, a
/// final symlink is not followed (not a plain file: usage error, 97).
/// </summary>
public sealed class CatFilePathTests : IClassFixture<CatFilePathTests.Saved>
{
    private readonly Saved _saved;

    public CatFilePathTests(Saved saved) => _saved = saved;

    private BupRepository Repo => _saved.Repo;

    [Theory]
    [InlineData("d/f")]
    [InlineData("big.bin")]
    [InlineData("empty")]
    public void AFileIsPrintedAsInTheSourceAndAsBupPrintsIt(string relative)
    {
        byte[] expected = File.ReadAllBytes(Path.Join(_saved.Source, relative));
        ProcessResult ours = Repo.BupfsBinary("cat-file", "/main/latest/" + relative);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(expected, ours.StdoutBytes);
        Assert.Equal(Repo.BupBinary("cat-file", "/main/latest/" + relative).StdoutBytes, ours.StdoutBytes);
        Assert.Equal(expected, Repo.BupfsBinary("cat-file", $"/main/{_saved.SaveName}/{relative}").StdoutBytes);
    }

    [Fact]
    public void SymlinksAreFollowedInTheMiddleButNotAtTheEndAsInBup()
    {
        byte[] expected = File.ReadAllBytes(Path.Join(_saved.Source, "d/f"));
        Assert.Equal(expected, Repo.BupfsBinary("cat-file", "/main/latest/dl/f").StdoutBytes);
        Assert.Equal(expected, Repo.BupBinary("cat-file", "/main/latest/dl/f").StdoutBytes);
        foreach (var path in new[] { "/main/latest/l", "/main/latest/d/../l" })
        {
            Assert.Equal(97, Repo.BupBinary("cat-file", path).ExitCode);
            ProcessResult ours = Repo.Bupfs("cat-file", path);
            Assert.Equal((97, ""), (ours.ExitCode, ours.Stdout));
            Assert.Contains("is not a plain file", ours.Stderr);
        }
    }

    [Fact]
    public void SizeAndExistenceWorkOnPaths()
    {
        Assert.Equal("3000001\n", Repo.Bupfs("cat-file", "-s", "/main/latest/big.bin").Stdout);
        Assert.Equal(0, Repo.Bupfs("cat-file", "-e", "/main/latest/big.bin").ExitCode);
        ProcessResult missing = Repo.Bupfs("cat-file", "-e", "/main/latest/nope");
        Assert.Equal((1, "", ""), (missing.ExitCode, missing.Stdout, missing.Stderr));
    }

    [Theory]
    [InlineData("/main/latest/nope", 1, "cannot access '/main/latest/nope'")]
    [InlineData("/main/latest/d/f/below", 1, "cannot access '/main/latest/d/f/below'")]
    [InlineData("/main/latest/dangling", 97, "'/main/latest/dangling' is not a plain file")]
    [InlineData("/main/latest/loop1", 97, "'/main/latest/loop1' is not a plain file")]
    [InlineData("/main/latest/d", 97, "'/main/latest/d' is not a plain file")]
    [InlineData("/main/latest/fifo", 97, "'/main/latest/fifo' is not a plain file")]
    [InlineData("/main", 97, "path '/main' doesn't include a branch and revision")]
    public void WhatIsNoFileIsAOneLineErrorWithBupsExitStatus(string path, int exit, string message)
    {
        ProcessResult result = Repo.Bupfs("cat-file", path);
        Assert.Equal((exit, ""), (result.ExitCode, result.Stdout));
        Assert.Equal(exit, Repo.BupBinary("cat-file", path).ExitCode);
        Assert.StartsWith($"bupfs: error: {message}", result.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void ObjectIdsStillWorkAndOptionsForIdsAreRefusedWithPaths()
    {
        string blob = Repo.Git("rev-parse", "main:d/f").Trim();
        Assert.Equal("blob\n", Repo.Bupfs("cat-file", "-t", blob).Stdout);
        Assert.Equal(File.ReadAllText(Path.Join(_saved.Source, "d/f")), Repo.Bupfs("cat-file", "blob", blob).Stdout);
        ProcessResult refused = Repo.Bupfs("cat-file", "-t", "/main/latest/d/f");
        Assert.Equal(97, refused.ExitCode);
        Assert.Contains("/BRANCH/SAVE/path", refused.Stderr);
    }

    /// <summary>One bup save (branch main) of a small tree with every case the tests read.</summary>
    public sealed class Saved : IDisposable
    {
        public Saved()
        {
            Repo = BupRepository.Create("cat-file");
            Source = Repo.Path("src");
            Directory.CreateDirectory(Path.Join(Source, "d"));
            File.WriteAllText(Path.Join(Source, "d", "f"), "hi from d/f\n");
            var big = new byte[3_000_001]; // several chunks and a chunk tree
            new Random(3).NextBytes(big);
            File.WriteAllBytes(Path.Join(Source, "big.bin"), big);
            File.WriteAllBytes(Path.Join(Source, "empty"), []);
            File.CreateSymbolicLink(Path.Join(Source, "l"), "d/f");
            File.CreateSymbolicLink(Path.Join(Source, "dl"), "d");
            File.CreateSymbolicLink(Path.Join(Source, "dangling"), "no/such/target");
            File.CreateSymbolicLink(Path.Join(Source, "loop1"), "loop2");
            File.CreateSymbolicLink(Path.Join(Source, "loop2"), "loop1");
            Processes.Run("mkfifo", Path.Join(Source, "fifo"));
            Repo.Save("main", Source, date: 1_700_000_000);
            SaveName = "2023-11-14-221320";
            Assert.Contains(SaveName, Encoding.UTF8.GetString(Repo.BupBinary("ls", "/main").StdoutBytes));
        }

        internal BupRepository Repo { get; }

        public string Source { get; }

        public string SaveName { get; }

        public void Dispose() => Repo.Dispose();
    }
}
