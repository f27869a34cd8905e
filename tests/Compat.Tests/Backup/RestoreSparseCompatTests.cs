using System.Globalization;
using TestSupport;

namespace Compat.Tests.Backup;

/// <summary>
/// bup restore writes runs of zeros as data unless --sparse is given (then its write_sparsely leaves
/// holes); --no-sparse undoes --sparse, the last of the two winning. bupfs restore does the same:
/// compared by the blocks the restored file occupies (stat %b).
/// </summary>
public sealed class RestoreSparseCompatTests : IDisposable
{
    // 1 MiB of data, 8 MiB of zeros, 4 KiB of data, 4 MiB of trailing zeros: block-aligned runs.
    private const long Size = (1 << 20) + (8 << 20) + 4096 + (4 << 20);
    private readonly ScratchFolder _scratch = new("bupfs-sparse-compat-");

    private string Repository => _scratch["repo"];

    [Theory]
    [InlineData("", false)]
    [InlineData("--no-sparse", false)]
    [InlineData("--sparse", true)]
    [InlineData("--sparse --no-sparse", false)]
    [InlineData("--no-sparse --sparse", true)]
    public void Zero_runs_are_holes_only_with_sparse_as_in_bup(string options, bool sparse)
    {
        Assert.SkipUnless(RestoreCli.Exists("bup"), "bup is not installed");
        Save();
        var flags = options.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var bup = RestoreCli.Bup(Repository, ["restore", "-q", .. flags, "-C", _scratch["bup"], "/s/latest/src/f"]);
        var bupfs = RestoreCli.Bupfs(Repository, ["restore", "-q", .. flags, "-C", _scratch["bupfs"], "/s/latest/src/f"]);

        Assert.Equal((0, ""), (bup.Exit, bup.Stderr));
        Assert.Equal((0, ""), (bupfs.Exit, bupfs.Stderr));
        RestoreCli.Check(RestoreCli.Sh(Repository, $"cmp {_scratch["bup"]}/f {_scratch["bupfs"]}/f"), "cmp");
        Assert.Equal(sparse, IsSparse(_scratch["bup"] + "/f"));
        Assert.Equal(sparse, IsSparse(_scratch["bupfs"] + "/f"));
    }

    public void Dispose() => _scratch.Dispose();

    private void Save()
    {
        RestoreCli.Check(RestoreCli.Bup(Repository, "init"), "bup init");
        var src = _scratch["src"];
        RestoreCli.Check(RestoreCli.Sh(Repository, $"mkdir -p {src} && cd {src} && head -c 1048576 /dev/urandom > f && truncate -s +8M f && head -c 4096 /dev/urandom >> f && truncate -s +4M f"), "make f");
        RestoreCli.Check(RestoreCli.Bup(Repository, "index", src), "bup index");
        RestoreCli.Check(RestoreCli.Bup(Repository, "save", "-n", "s", "--strip-path", _scratch.Path, src), "bup save");
    }

    // Sparse when the zeros take no space: fewer than half the file's bytes are allocated.
    private bool IsSparse(string file)
    {
        var stat = RestoreCli.Check(RestoreCli.Sh(Repository, $"stat -c '%s %b' {file}"), "stat");
        var fields = System.Text.Encoding.ASCII.GetString(stat).Split(' ');
        Assert.Equal(Size, long.Parse(fields[0], CultureInfo.InvariantCulture));
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * 512 < Size / 2;
    }
}
