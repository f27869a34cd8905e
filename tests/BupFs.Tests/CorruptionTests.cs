using BupFs.Repo;
using BupFs.Tests.Support;

namespace BupFs.Tests;

/// <summary>A damaged or missing object fails only the operations that need it, with Io naming the object.</summary>
public sealed class CorruptionTests : IDisposable
{
    private const string PackedOnlyPython = """
        import os, random, sys
        src = sys.argv[1]
        os.makedirs(src)
        open(src + '/victim.txt', 'wb').write(b'the victim: a unique text 4711\n')
        open(src + '/other.txt', 'wb').write(b'an innocent bystander\n')
        open(src + '/big.bin', 'wb').write(random.Random(3).randbytes(1_200_000))
        """;

    private readonly TestRepository _repo = TestRepository.Create();
    private readonly string _source;

    public CorruptionTests()
    {
        _source = _repo.Path("src");
        SourceTree.RunPython(PackedOnlyPython, _source);
        _repo.Save("main", 1_700_000_000, _source);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void ACorruptBlobInAPackFailsReadsOfThatFileOnly()
    {
        var victim = _repo.Git("rev-parse", $"main:{Relative("victim.txt")}");
        var pack = Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.pack").Single();
        var offset = OffsetInPack(pack, victim);
        using (var file = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite))
        {
            // Past the object header and the 2-byte zlib header: damage the deflate stream itself.
            file.Position = offset + 4;
            file.Write([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
        }

        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        var attributes = fs.Resolve(InSave("victim.txt"));
        Assert.Equal(31, attributes.Size);
        var error = Assert.Throws<FsException>(() => fs.ReadAll(attributes.Inode));
        Assert.Equal(FsError.Io, error.Error);
        Assert.Contains(victim, error.Message, StringComparison.Ordinal);
        Assert.Equal("an innocent bystander\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(fs.Resolve(InSave("other.txt")).Inode)));
        Assert.Equal(3, fs.ReadDirectory(fs.Resolve(InSave("")).Inode).Count);
    }

    [Fact]
    public void ADamagedChunkInsideALargeReadFailsItNamingTheChunk()
    {
        // A chunk a read covers whole is inflated straight into the reply, outside the cache that
        // names objects in its errors: the error must still name the chunk.
        var big = _repo.Git("rev-parse", $"main:{Relative("big.bin.bup")}");
        var chunks = _repo.Git("ls-tree", "-r", big).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var chunkId = chunks[chunks.Length / 2].Split('\t')[0].Split(' ')[2];
        var pack = Directory.GetFiles(Path.Combine(_repo.RepoPath, "objects", "pack"), "*.pack").Single();
        using (var file = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = OffsetInPack(pack, chunkId) + 40;
            file.Write([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
        }

        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        var node = fs.Resolve(InSave("big.bin"));
        var handle = fs.Open(node.Inode, OpenFlags.Read);
        var error = Assert.Throws<FsException>(() => fs.Read(handle, new byte[1_200_000], 0));
        Assert.Equal(FsError.Io, error.Error);
        Assert.Contains(chunkId, error.Message, StringComparison.Ordinal);
        fs.Release(handle);
        Assert.Equal("an innocent bystander\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(fs.Resolve(InSave("other.txt")).Inode)));
    }

    [Fact]
    public void AMissingChunkFailsOnlyReadsThatNeedIt()
    {
        Unpack();
        var big = _repo.Git("rev-parse", $"main:{Relative("big.bin.bup")}");
        var chunks = _repo.Git("ls-tree", "-r", big).Split('\n');
        var middle = chunks[chunks.Length / 2].Split('\t');
        var chunkId = middle[0].Split(' ')[2];
        var chunkOffset = middle[1].Split('/').Sum(part => Convert.ToInt64(part, 16));
        File.Delete(LoosePath(chunkId));
        File.Delete(LoosePath(_repo.Git("rev-parse", $"main:{Relative("victim.txt")}")));

        var (repository, fs) = _repo.Open();
        using var _ = repository;
        using var __ = fs;
        var victim = Assert.Throws<FsException>(() => fs.ReadAll(fs.Resolve(InSave("victim.txt")).Inode));
        Assert.Equal(FsError.Io, victim.Error);
        var node = fs.Resolve(InSave("big.bin"));
        Assert.Equal(1_200_000, node.Size);
        var handle = fs.Open(node.Inode, OpenFlags.Read);
        var buffer = new byte[100];
        var error = Assert.Throws<FsException>(() => fs.Read(handle, buffer, chunkOffset + 1));
        Assert.Equal(FsError.Io, error.Error);
        Assert.Contains(chunkId, error.Message, StringComparison.Ordinal);
        var expected = File.ReadAllBytes(Path.Combine(_source, "big.bin"));
        Assert.Equal(100, fs.Read(handle, buffer, 0));
        Assert.Equal(expected[..100], buffer);
        Assert.Equal(100, fs.Read(handle, buffer, expected.Length - 100));
        Assert.Equal(expected[^100..], buffer);
        fs.Release(handle);
    }

    [Fact]
    public void ADamagedBupmFallsBackToDefaultMetadataAndIsReported()
    {
        Unpack();
        var bupm = _repo.Git("rev-parse", $"main:{Relative(".bupm")}");
        SourceTree.RunPython("import sys, zlib; open(sys.argv[1], 'wb').write(zlib.compress(b'blob 3\\0\\x0a\\xff\\xff'))", LoosePath(bupm));
        var warnings = new List<string>();
        var (repository, fs) = _repo.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, Warning = warnings.Add });
        using var _ = repository;
        using var __ = fs;
        var listing = fs.ReadDirectory(fs.Resolve(InSave("")).Inode);
        Assert.Equal(["big.bin", "other.txt", "victim.txt"], listing.Select(e => e.Name.Text()));
        Assert.All(listing, e => Assert.Equal(0x81A4u, e.Attributes.Mode));
        Assert.All(listing, e => Assert.Equal(FsTime.Epoch, e.Attributes.ModifyTime));
        Assert.Equal(31, listing[2].Attributes.Size); // computed from the blob when the record is lost
        Assert.Contains(warnings, w => w.Contains(bupm, StringComparison.Ordinal));
        Assert.Equal("an innocent bystander\n", System.Text.Encoding.ASCII.GetString(fs.ReadAll(listing[1].Attributes.Inode)));
    }

    [Fact]
    public void AnUnreadableOlderCommitKeepsTheNewerSavesAndSaysOlderOnesMayBeHidden()
    {
        _repo.Save("main", 1_700_000_100, _source);
        Unpack();
        var parent = _repo.Git("rev-parse", "main~1");
        File.Delete(LoosePath(parent));
        var warnings = new List<string>();
        var (repository, fs) = _repo.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, Warning = warnings.Add });
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(["2023-11-14-221500", "latest"], fs.Names(fs.Resolve("/main").Inode));
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"branch main: commit {parent} cannot be read (missing object {parent}", warning, StringComparison.Ordinal);
        Assert.EndsWith("); saves older than it may be hidden", warning, StringComparison.Ordinal);
        Assert.Equal(_repo.Git("rev-parse", "main"), fs.GetCommitId(fs.Resolve("/main/latest/").Inode).ToString());
    }

    [Fact]
    public void ASaveWhoseTreeCannotBeReadIsListedAndFailsOnUseNamingIt()
    {
        Unpack();
        var (commit, tree) = (_repo.Git("rev-parse", "main"), _repo.Git("rev-parse", "main^{tree}"));
        File.Delete(LoosePath(tree));
        var warnings = new List<string>();
        var (repository, fs) = _repo.Open(new RepoFileSystemOptions { TimeZone = TimeZoneInfo.Utc, Warning = warnings.Add });
        using var _ = repository;
        using var __ = fs;
        Assert.Equal(["2023-11-14-221320", "latest"], fs.Names(fs.Resolve("/main").Inode));
        var expected = $"branch main, save 2023-11-14-221320: tree {tree} of commit {commit} cannot be read: missing object {tree}";
        Assert.StartsWith($"'2023-11-14-221320' is listed but cannot be read: {expected}", Assert.Single(warnings), StringComparison.Ordinal);
        foreach (var path in new[] { "/main/latest/", "/main/2023-11-14-221320", InSave("victim.txt").Text() })
        {
            var error = Assert.Throws<FsException>(() => fs.Resolve(path));
            Assert.Equal(FsError.Io, error.Error);
            Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        }
    }

    private byte[] InSave(string relative) => (relative.Length == 0 ? "/main/latest" + _source : $"/main/latest{_source}/{relative}").Bytes();

    private string Relative(string name) => $"{_source.TrimStart('/')}/{name}";

    private string LoosePath(string id) => Path.Combine(_repo.RepoPath, "objects", id[..2], id[2..]);

    private static long OffsetInPack(string pack, string id)
    {
        var index = Tool.Run("git", ["show-index"], stdin: null, environment: null, input: File.ReadAllBytes(Path.ChangeExtension(pack, ".idx")));
        return long.Parse(index.Split('\n').Single(line => line.Contains(id, StringComparison.Ordinal)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    // Turns every pack into loose objects, so single objects can be deleted or replaced.
    private void Unpack()
    {
        var packDir = Path.Combine(_repo.RepoPath, "objects", "pack");
        foreach (var pack in Directory.GetFiles(packDir, "*.pack"))
        {
            var moved = _repo.Path(Path.GetFileName(pack));
            File.Move(pack, moved);
            Tool.Run("git", ["--git-dir", _repo.RepoPath, "unpack-objects", "-q"], input: File.ReadAllBytes(moved));
        }

        foreach (var file in Directory.GetFiles(packDir))
        {
            File.Delete(file);
        }
    }
}
