using System.Globalization;
using System.Text;
using BupStore.Objects;

namespace BupBackup.Tests;

/// <summary>
/// A source tree with every kind of node bup records (docs/formats/saved-trees.md, "Reference save", plus xattrs, ACLs, owners,
/// nanosecond and pre-epoch times), saved once by the real <c>bup index</c> + <c>bup save</c>.
/// Tests read the saved trees and .bupm files with git, independently of the code under test.
/// </summary>
public sealed class BupSaveFixture : IDisposable
{
    private const string CreateTree = """
        mkdir -p src/d1/sub src/emptydir src/a src/acldir
        cd src
        printf 'hello\n' > small.txt; : > empty; head -c 1200000 /dev/urandom > big.bin
        ln -s small.txt link; ln small.txt hard1; ln small.txt d1/hard2
        printf x > a.b; printf y > foo.bup; printf z > bar.bupl; printf w > x.bupm; printf v > old
        mkfifo fifo; printf q > d1/sub/deep; printf n > "$(printf 'nonutf8-\xff\xfe')"
        python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('sock')"
        touch -d '2001-02-03 04:05:06.123456789' small.txt
        touch -d '1969-12-31 23:59:59.25' old
        touch -h -d '2002-03-04 05:06:07.000000009' link
        chmod 4750 empty; chmod 1777 emptydir
        setfattr -n user.a -v 1 x.bupm; setfattr -n user.bin -v 0xff00 a.b; setfattr -n user.dir -v yes d1
        setfacl -m u:nobody:r a.b; setfacl -m u:nobody:rwx acldir; setfacl -d -m g:nogroup:rx acldir
        setfacl -m u:nobody:rx d1/sub
        """;

    private const string CreateRootOnly = """
        cd src
        mknod chardev c 1 3; chown 4242:4343 foo.bup; chown nobody:nogroup bar.bupl
        """;

    public BupSaveFixture()
    {
        Skip = FindMissingTool();
        if (Skip is not null)
        {
            return;
        }

        Workspace = new TempDirectory("bupmeta");
        Repository = Path.Combine(Workspace.Path, "repo");
        Source = Path.Combine(Workspace.Path, "src");
        ProcessRunner.Bash(CreateTree, Workspace.Path);
        if (Posix.PosixFiles.IsSuperuser)
        {
            ProcessRunner.Bash(CreateRootOnly, Workspace.Path);
        }

        Bup("init");
        Bup("index", Source);
        Bup("save", "-n", "test", Source);
    }

    /// <summary>Why the real-bup tests cannot run here, or null.</summary>
    public string? Skip { get; }

    /// <summary>The scratch directory holding src/ and repo/.</summary>
    public TempDirectory Workspace { get; } = null!;

    /// <summary>BUP_DIR of the saved repository.</summary>
    public string Repository { get; } = null!;

    /// <summary>Absolute path of the saved source directory.</summary>
    public string Source { get; } = null!;

    /// <summary>Runs bup with BUP_DIR set to the fixture repository.</summary>
    public byte[] Bup(params string[] arguments) =>
        ProcessRunner.Run("bup", arguments, new Dictionary<string, string> { ["BUP_DIR"] = Repository }, Workspace.Path);

    /// <summary>Runs git on the fixture repository.</summary>
    public byte[] Git(params string[] arguments) => ProcessRunner.Run("git", ["--git-dir=" + Repository, .. arguments]);

    /// <summary>The entries of the saved tree at <paramref name="treeish"/> (e.g. <c>test:tmp/x/src</c>), from <c>git ls-tree -z</c>.</summary>
    public List<TreeEntry> Tree(string treeish)
    {
        var entries = new List<TreeEntry>();
        var output = Git("ls-tree", "-z", treeish);
        foreach (var range in output.AsSpan().Split((byte)0))
        {
            var line = output[range];
            if (line.Length == 0)
            {
                continue;
            }

            var tab = Array.IndexOf(line, (byte)'\t');
            var fields = Encoding.ASCII.GetString(line, 0, tab).Split(' ');
            var mode = (GitFileMode)Convert.ToInt32(fields[0], 8);
            entries.Add(new TreeEntry(mode, line[(tab + 1)..], ObjectId.Parse(fields[2])));
        }

        return entries;
    }

    /// <summary>The tree-ish naming the saved copy of <paramref name="relative"/> under the source directory.</summary>
    public string TreeOf(string relative = "") =>
        "test:" + Path.Combine(Source.TrimStart('/'), relative).TrimEnd('/');

    /// <summary>The content of a blob, or of a chunk tree joined in offset order.</summary>
    public byte[] Content(TreeEntry entry)
    {
        if (entry.Mode != GitFileMode.Tree)
        {
            return Git("cat-file", "blob", entry.Id.ToString());
        }

        var listing = Encoding.ASCII.GetString(Git("ls-tree", "-r", entry.Id.ToString()));
        return [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => Git("cat-file", "blob", line.Split('\t')[0].Split(' ')[2]))];
    }

    /// <summary>The absolute filesystem path (bytes) of a name inside the source tree.</summary>
    public byte[] SourcePath(string relativeDirectory, byte[] name) =>
        [.. Encoding.UTF8.GetBytes(Path.Combine(Source, relativeDirectory).TrimEnd('/') + "/"), .. name];

    public void Dispose() => Workspace?.Dispose();

    private static string? FindMissingTool()
    {
        foreach (var tool in new[] { "bup", "git", "setfattr", "setfacl", "python3" })
        {
            if (!ProcessRunner.Exists(tool))
            {
                return $"{tool} is not installed";
            }
        }

        return ProcessRunner.TryRun("bup", ["--version"]).Exit == 0 ? null : "bup does not run";
    }

    /// <summary>A culture-independent decimal.</summary>
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
