using System.Globalization;

namespace Mount.Tests.Support;

/// <summary>
/// A repository whose one save's root is a single directory of <see cref="Count"/> empty files
/// (issue 12), saved by <c>bupfs index</c> + <c>bupfs save</c> once for all tests of a class.
/// </summary>
public sealed class LargeDirectoryFixture : IDisposable
{
    /// <summary>Entries of the directory: beyond the view's 65,536 retained idle nodes and its 16 MiB cache.</summary>
    public const int Count = 100_000;

    private readonly BupRepository _repo;

    public LargeDirectoryFixture()
    {
        _repo = BupRepository.Create("large-directory");
        string source = _repo.Path("src");
        Directory.CreateDirectory(source);
        for (int i = 0; i < Count; i++)
        {
            File.Create(Path.Join(source, Name(i))).Dispose();
        }

        _repo.Bupfs("index", source).Succeeded("bupfs index");
        _repo.Bupfs("save", "--strip", "-n", "main", source).Succeeded("bupfs save");
        Directory.Delete(source, recursive: true); // 100,000 inodes of the run's folder are not needed any more
    }

    /// <summary>The save's root, as bupfs ls and restore name it.</summary>
    public static string SavePath => "/main/latest/";

    internal BupRepository Repo => _repo;

    /// <summary>The name of entry <paramref name="i"/> (names sort in the order of i).</summary>
    public static string Name(int i) => "f" + i.ToString("D6", CultureInfo.InvariantCulture);

    public void Dispose() => _repo.Dispose();
}
