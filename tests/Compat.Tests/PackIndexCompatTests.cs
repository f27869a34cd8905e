using System.Diagnostics;
using System.Globalization;
using BupStore.Formats;
using BupStore.Objects;

namespace Compat.Tests;

/// <summary>
/// idx files from real git and bup: we read them exactly as <c>git show-index</c> does, and our writer
/// reproduces <c>git index-pack</c> byte for byte (docs/formats/pack-and-idx.md, "idx version 2" and "Checks against git").
/// </summary>
public sealed class PackIndexCompatTests
{
    [Fact]
    public void ReadsGitsIdxExactlyAsShowIndexDoes()
    {
        using var repo = LookupBupRepo.CreateGit();
        var packName = repo.PackObjects(repo.WriteBlobs(400, "show"));
        using var idx = PackIndex.Open(repo.PackPath(packName, ".idx"));
        var listed = repo.ShowIndex(idx.Path);
        Assert.Equal(listed.Count, idx.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            Assert.Equal(listed[i].Id, idx.GetId(i));
            Assert.Equal(listed[i].Offset, idx.GetOffset(i));
            Assert.Equal(listed[i].Crc32, idx.GetCrc32(i));
            Assert.True(idx.TryFind(listed[i].Id, out var offset));
            Assert.Equal(listed[i].Offset, offset);
        }

        Assert.True(idx.VerifyChecksum());
        Assert.Equal(packName, idx.PackChecksum.ToString());
    }

    [Fact]
    public void WriteIsByteIdenticalToGitIndexPack()
    {
        using var repo = LookupBupRepo.CreateGit();
        var packName = repo.PackObjects(repo.WriteBlobs(300, "write"));
        var pack = repo.PackPath(packName, ".pack");
        var gitIdx = Path.Combine(repo.Root, "git.idx");
        LookupTools.Run("git", ["index-pack", "-o", gitIdx, pack], repo.Root);
        using var output = new MemoryStream();
        PackIndex.Write(output, repo.ShowIndex(gitIdx), ObjectId.Parse(packName));
        Assert.Equal(File.ReadAllBytes(gitIdx), output.ToArray());
    }

    [Fact]
    public void ReadsGitsLargeOffsetTableAndIdxV1()
    {
        using var repo = LookupBupRepo.CreateGit();
        var pack = repo.PackPath(repo.PackObjects(repo.WriteBlobs(200, "large")), ".pack");
        var large = Path.Combine(repo.Root, "large.idx");
        var v1 = Path.Combine(repo.Root, "v1.idx");
        // git's test knob: offsets above 0x200 go to the 64-bit table, as they would past 2 GiB.
        LookupTools.Run("git", ["index-pack", "--index-version=2,0x200", "-o", large, pack], repo.Root);
        LookupTools.Run("git", ["index-pack", "--index-version=1", "-o", v1, pack], repo.Root);
        var listed = repo.ShowIndex(large);
        Assert.Contains(listed, e => e.Offset > 0x200);
        foreach (var path in new[] { large, v1 })
        {
            using var idx = PackIndex.Open(path);
            Assert.Equal(path == v1 ? 1 : 2, idx.Version);
            Assert.True(idx.VerifyChecksum());
            Assert.All(listed, e => Assert.True(idx.TryFind(e.Id, out var offset) && offset == e.Offset));
        }
    }

    [Fact]
    public void BupsIdxEqualsOurWriterOutput()
    {
        using var repo = LookupBupRepo.CreateBup();
        var data = new byte[300_000];
        new Random(5).NextBytes(data);
        repo.Bup(["split", "-b"], stdin: data);
        var idxPath = Assert.Single(Directory.GetFiles(repo.PackDir, "*.idx"));
        using var output = new MemoryStream();
        var packName = Path.GetFileNameWithoutExtension(idxPath)["pack-".Length..];
        PackIndex.Write(output, repo.ShowIndex(idxPath), ObjectId.Parse(packName));
        Assert.Equal(File.ReadAllBytes(idxPath), output.ToArray());
    }

    [Fact]
    public void TruncatedRealIdxIsCorrupt()
    {
        using var repo = LookupBupRepo.CreateGit();
        var idxPath = repo.PackPath(repo.PackObjects(repo.WriteBlobs(20, "trunc")), ".idx");
        var damaged = Path.Combine(repo.Root, "damaged.idx");
        File.WriteAllBytes(damaged, File.ReadAllBytes(idxPath)[..^7]);
        Assert.Equal(damaged, Assert.Throws<CorruptObjectException>(() => PackIndex.Open(damaged)).Where);
    }
}

/// <summary>Runs git/bup with a timeout; skips the test when the tool is not installed.</summary>
internal static class LookupTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static void RequireTool(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
        if (!found)
        {
            Assert.Skip($"{tool} is not installed");
        }
    }

    /// <summary>Runs a process to completion; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static string Run(string file, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, byte[]? stdin = null) =>
        Execute(file, args, workingDirectory, environment, stdin).Stdout;

    /// <summary>Runs a process to completion; returns stdout and stderr, throws on a non-zero exit.</summary>
    public static (string Stdout, string Stderr) Execute(string file, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, byte[]? stdin = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {Timeout}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {stderr.Result}");
        }

        return (stdout.Result, stderr.Result);
    }
}

/// <summary>A temporary bare git repository, optionally <c>bup init</c>ed, with helpers to make packs.</summary>
internal sealed class LookupBupRepo : IDisposable
{
    private LookupBupRepo(string root)
    {
        Root = root;
        GitDir = Path.Combine(root, "repo");
    }

    public string Root { get; }

    public string GitDir { get; }

    public string PackDir => Path.Combine(GitDir, "objects", "pack");

    public static LookupBupRepo CreateGit()
    {
        LookupTools.RequireTool("git");
        var repo = new LookupBupRepo(Directory.CreateTempSubdirectory("bupstore-compat-").FullName);
        LookupTools.Run("git", ["init", "-q", "--bare", repo.GitDir], repo.Root);
        return repo;
    }

    public static LookupBupRepo CreateBup()
    {
        LookupTools.RequireTool("git");
        LookupTools.RequireTool("bup");
        var repo = new LookupBupRepo(Directory.CreateTempSubdirectory("bupstore-compat-").FullName);
        repo.Bup(["init"]);
        return repo;
    }

    public string Bup(IEnumerable<string> args, byte[]? stdin = null) => BupWithStderr(args, stdin).Stdout;

    public (string Stdout, string Stderr) BupWithStderr(IEnumerable<string> args, byte[]? stdin = null) =>
        LookupTools.Execute("bup", args, Root, new Dictionary<string, string> { ["BUP_DIR"] = GitDir }, stdin);

    public string Git(IEnumerable<string> args, byte[]? stdin = null) =>
        LookupTools.Run("git", ["--git-dir=" + GitDir, .. args], Root, stdin: stdin);

    /// <summary>Stores <paramref name="count"/> distinct small blobs as loose objects; returns their ids.</summary>
    public List<string> WriteBlobs(int count, string tag)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "blobs-" + tag)).FullName;
        var paths = Enumerable.Range(0, count).Select(i =>
        {
            var path = Path.Combine(dir, i.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(path, $"{tag} blob {i}\n{new string('x', i % 97)}\n");
            return path;
        }).ToList();
        var output = Git(["hash-object", "-w", "--stdin-paths"], System.Text.Encoding.UTF8.GetBytes(string.Join('\n', paths) + "\n"));
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Packs the given objects into objects/pack (git pack-objects); returns the pack's hex name.</summary>
    public string PackObjects(IEnumerable<string> ids)
    {
        var input = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', ids) + "\n");
        return Git(["pack-objects", "-q", Path.Combine(PackDir, "pack")], input).Trim();
    }

    public string PackPath(string packName, string extension) => Path.Combine(PackDir, $"pack-{packName}{extension}");

    /// <summary><c>git show-index</c> of an idx: the reference reading of ids, offsets and CRCs.</summary>
    public List<PackIndexEntry> ShowIndex(string idxPath)
    {
        var output = Git(["show-index"], File.ReadAllBytes(idxPath));
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split(' ');
            var crc = parts.Length > 2 ? uint.Parse(parts[2].Trim('(', ')'), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0;
            return new PackIndexEntry(ObjectId.Parse(parts[1]), long.Parse(parts[0], CultureInfo.InvariantCulture), crc);
        })];
    }

    /// <summary>Copies the idx (and pack) files into a fresh directory, for running our maintenance side by side with bup's.</summary>
    public string CopyIdxTo(string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        SyncIdxTo(target);
        return target;
    }

    /// <summary>Copies idx/pack files not yet present in <paramref name="target"/>.</summary>
    public void SyncIdxTo(string target)
    {
        foreach (var file in Directory.GetFiles(PackDir).Where(f => f.EndsWith(".idx", StringComparison.Ordinal) || f.EndsWith(".pack", StringComparison.Ordinal)))
        {
            var destination = Path.Combine(target, Path.GetFileName(file));
            if (!File.Exists(destination))
            {
                File.Copy(file, destination);
            }
        }
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
