using System.Text;
using BupBackup.Restore;
using BupStore.Objects;
using BupStore.Repository;
using Mono.Unix.Native;

namespace BupBackup.Tests.Restore;

/// <summary>
/// Chunked files through the restore's read/write pipeline: content byte-exact and sparse for any
/// number of workers, files larger than the read-ahead budget, and damaged chunk trees failing only
/// their own file (without stalling or starving the files after them).
/// </summary>
public sealed class RestorePipelineTests : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly SyntheticRestore _restore = new("restore-pipeline");

    private string RepoPath => _restore.RepoPath;

    private string Dest => _restore.Dest;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void LargeChunkedFilesAndSmallFilesRestoreByteExact(int workers)
    {
        var contents = new Dictionary<string, byte[]>();
        SaveRoot(s =>
        {
            var entries = new List<(string Name, ObjectId Id, bool Chunked, long Size)>();
            for (var i = 0; i < 4; i++)
            {
                // 20 MiB each: several times a reader's read-ahead budget, and four of them keep every reader busy.
                var data = Content(20 << 20, seed: i);
                contents[$"big{i}"] = data;
                entries.Add(($"big{i}", ChunkedFile(s, data, fanout: 16), true, data.Length));
                var small = Encoding.UTF8.GetBytes($"small {i}\n");
                contents[$"small{i}"] = small;
                entries.Add(($"small{i}", s.Blob(small), false, small.Length));
            }

            return Directory(s, entries);
        });

        // Sparse, as bup restore --sparse: the check below wants the zero chunks left as holes.
        var summary = Restore(new RestoreOptions { Workers = workers, Sparse = true }, "/b/latest/");

        Assert.Empty(_restore.Errors);
        Assert.Equal(8, summary.Restored);
        foreach (var (name, data) in contents)
        {
            Assert.True(data.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Dest, name))), $"{name} differs");
        }

        // Every 4th chunk is zeros: the files are sparse.
        Assert.True(LStat("big0").st_blocks * 512 < (20 << 20) * 7L / 8, $"{LStat("big0").st_blocks} blocks");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void AMissingChunkFailsOnlyItsFile(int workers)
    {
        var missing = ObjectId.Parse("89abcdef0123456789abcdef0123456789abcdef");
        var after = Content(12 << 20, seed: 7);
        SaveRoot(s =>
        {
            var broken = ChunkTree(s, [s.Blob(Content(Chunk, 1)), missing, s.Blob(Content(Chunk, 2))], Chunk);
            return Directory(s, [
                ("a-broken", broken, true, 3 * Chunk),
                ("b-after", ChunkedFile(s, after, fanout: 16), true, after.Length),
                ("c-small", s.Blob("c"), false, 1),
            ]);
        });

        var summary = Restore(new RestoreOptions { Workers = workers }, "/b/latest/");

        Assert.Equal(1, summary.Errors);
        Assert.Contains(_restore.Errors, e => e.StartsWith("a-broken: ", StringComparison.Ordinal) && e.Contains(missing.ToString()));
        Assert.True(after.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Dest, "b-after"))));
        Assert.Equal("c", File.ReadAllText(Path.Combine(Dest, "c-small")));
    }

    [Fact]
    public void AChunkTreeWithoutHexOffsetsIsRefused()
    {
        SaveRoot(s =>
        {
            var bad = s.Tree(new TreeEntry(GitFileMode.Regular, "zz"u8.ToArray(), s.Blob("x")));
            return Directory(s, [("bad", bad, true, 1), ("good", s.Blob("ok"), false, 2)]);
        });

        var summary = Restore(new RestoreOptions(), "/b/latest/");

        Assert.Equal(1, summary.Errors);
        Assert.Contains(_restore.Errors, e => e.StartsWith("bad: ", StringComparison.Ordinal) && e.Contains("hex offset"));
        Assert.Equal("ok", File.ReadAllText(Path.Combine(Dest, "good")));
    }

    public void Dispose() => _restore.Dispose();

    // Deterministic data where every 4th chunk is all zeros (holes) and the rest random.
    private static byte[] Content(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        for (var offset = 0; offset < size; offset += 4 * Chunk)
        {
            data.AsSpan(offset, Math.Min(Chunk, size - offset)).Clear();
        }

        return data;
    }

    // A bup chunk tree of Chunk-sized blobs, grouped fanout at a time into subtrees (two levels).
    private static ObjectId ChunkedFile(SyntheticRepository s, byte[] data, int fanout)
    {
        var blobs = data.Chunk(Chunk).Select(c => s.Blob(c)).ToList();
        var subtrees = blobs.Chunk(fanout).Select(group => ChunkTree(s, group, Chunk)).ToList();
        return s.Tree([.. subtrees.Select((id, i) => new TreeEntry(GitFileMode.Tree, Hex((long)i * fanout * Chunk), id))]);
    }

    private static ObjectId ChunkTree(SyntheticRepository s, IReadOnlyList<ObjectId> blobs, long chunkSize) =>
        s.Tree([.. blobs.Select((id, i) => new TreeEntry(GitFileMode.Regular, Hex(i * chunkSize), id))]);

    private static byte[] Hex(long offset) => Encoding.ASCII.GetBytes(offset.ToString("x16"));

    // A directory with a .bupm; chunked files are stored under their mangled name "NAME.bup".
    private static ObjectId Directory(SyntheticRepository s, IReadOnlyList<(string Name, ObjectId Id, bool Chunked, long Size)> files) =>
        s.Tree([
            s.Bupm(SyntheticRepository.Directory(), [.. files.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (f.Name, SyntheticRepository.File(f.Size)))]),
            .. files.Select(f => f.Chunked
                ? new TreeEntry(GitFileMode.Tree, Encoding.UTF8.GetBytes(f.Name + ".bup"), f.Id)
                : new TreeEntry(GitFileMode.Regular, Encoding.UTF8.GetBytes(f.Name), f.Id)),
        ]);

    private void SaveRoot(Func<SyntheticRepository, ObjectId> build) => _restore.SaveRoot(build);

    private RestoreSummary Restore(RestoreOptions options, params string[] paths) => _restore.Restore(options, paths);

    private Stat LStat(string relative) =>
        Syscall.lstat(Path.Combine(Dest, relative), out var stat) == 0 ? stat : throw new IOException($"lstat {relative}");
}
