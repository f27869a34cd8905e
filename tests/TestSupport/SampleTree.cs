using System.Diagnostics;
using System.Text;
using Mono.Unix.Native;

namespace TestSupport;

/// <summary>
/// Builds a deterministic source tree holding every kind of entry a backup must carry: symlinks of each kind,
/// hardlinks, a fifo, empty entries, files around the 8 KiB split boundary, a sparse file, random and text data,
/// many small nested files, unicode, non-UTF-8 and 255-byte names, modes, foreign owners, xattrs, ACLs and
/// nanosecond times.
/// </summary>
public sealed class SampleTree
{
    /// <summary>The non-UTF-8 file name used in the tree (Latin-1 "été").</summary>
    public static readonly byte[] NonUtf8Name = [.. "latin1-"u8, 0xE9, (byte)'t', 0xE9, .. ".txt"u8];

    /// <summary>A name of exactly 255 bytes, the Linux maximum.</summary>
    public static readonly string LongName = new string('n', 251) + ".txt";

    private readonly string _root;
    private readonly SampleTreeOptions _options;
    private readonly Random _random;
    private readonly List<string> _files = [];

    private SampleTree(string root, SampleTreeOptions options)
    {
        _root = root.TrimEnd('/');
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>Creates the tree under <paramref name="root"/> (created if missing; should be empty).</summary>
    public static SampleTreeInfo Create(string root, SampleTreeOptions? options = null)
    {
        var tree = new SampleTree(root, options ?? new SampleTreeOptions());
        return tree.Build();
    }

    private SampleTreeInfo Build()
    {
        Directory.CreateDirectory(_root);
        AddBasics();
        AddSymlinks();
        AddHardlinks();
        AddNames();
        AddModes();
        AddSmallFiles();
        var sparse = AddSparse();
        var owners = AddOwners();
        AddSpecials();
        AddXattrsAndAcls();
        TreeTimes.Apply(_root, _options.Seed);
        return new SampleTreeInfo(_root, _files, sparse, owners);
    }

    private void AddBasics()
    {
        Dir("empty-dir");
        File("empty-file", []);
        foreach (var size in new[] { 1, 8191, 8192, 8193, 65_535 })
        {
            File($"boundary/size-{size}", Bytes(size));
        }

        File("random.bin", Bytes(_options.RandomSize));
        File("text.txt", Text(_options.TextSize));
    }

    private void AddSymlinks()
    {
        Dir("links");
        Symlink("../text.txt", "links/relative");
        Symlink("/nonexistent/absolute-target", "links/absolute");
        Symlink("no-such-file", "links/dangling");
        Symlink("../boundary", "links/to-folder");
    }

    private void AddHardlinks()
    {
        File("hard/a", Text(5000));
        Check(Syscall.link(Path("hard/a"), Path("hard/b")), "link hard/b");
        Dir("hard/nested/deeper");
        Check(Syscall.link(Path("hard/a"), Path("hard/nested/deeper/c")), "link c");
        File("hard/pair-1", Bytes(20_000));
        Check(Syscall.link(Path("hard/pair-1"), Path("hard/pair-2")), "link pair-2");
        _files.AddRange(["hard/b", "hard/nested/deeper/c", "hard/pair-2"]);
    }

    private void AddNames()
    {
        File("names/ünïcødé 日本語.txt", Text(300));
        File("names/" + UnixNames.FromBytes(NonUtf8Name), Text(200));
        File("names/" + LongName, Text(100));
        var odd = "names/" + UnixNames.FromBytes([.. "dir-"u8, 0xFF, 0xFE]);
        File(odd + "/inside.txt", Text(50));
        File("names/with space & 'quote'", Text(10));
    }

    private void AddModes()
    {
        File("modes/private", Text(100), mode: "600");
        File("modes/exec", Text(100), mode: "755");
        File("modes/dir-0700/inside", Text(100));
        Chmod("modes/dir-0700", "700");
        File("modes/setgid-dir/x", Text(10));
        Chmod("modes/setgid-dir", "2775");
    }

    private void AddSmallFiles()
    {
        for (var i = 0; i < _options.SmallFiles; i++)
        {
            var name = $"small/d{i % 7}/e{i % 13}/f{i:D5}.txt";
            File(name, Text(_random.Next(0, 3000)));
        }
    }

    private string? AddSparse()
    {
        if (_options.SparseSize <= 0)
        {
            return null;
        }

        const string name = "sparse.img";
        using (var stream = new FileStream(Path(name), FileMode.CreateNew))
        {
            stream.Write(Bytes(1 << 20));
            stream.Position = _options.SparseSize / 2;
            stream.Write(Text(65_536));
            stream.SetLength(_options.SparseSize);
            stream.Position = _options.SparseSize - 4096;
            stream.Write(Bytes(4096));
        }

        Chmod(name, "644");
        _files.Add(name);
        return name;
    }

    private bool AddOwners()
    {
        if (!_options.ForeignOwners || Syscall.geteuid() != 0)
        {
            return false;
        }

        File("owned/file", Text(100));
        Symlink("file", "owned/link");
        foreach (var name in new[] { "owned/file", "owned/link", "owned" })
        {
            Check(Syscall.lchown(Path(name), 12345, 54321), "lchown " + name);
        }

        return true;
    }

    private void AddSpecials()
    {
        Check(Syscall.mkfifo(Path("fifo"), FilePermissions.S_IRUSR | FilePermissions.S_IWUSR | FilePermissions.S_IRGRP), "mkfifo");
        if (_options.Devices && Syscall.geteuid() == 0)
        {
            var mode = FilePermissions.S_IFCHR | FilePermissions.S_IRUSR | FilePermissions.S_IWUSR;
            Check(Syscall.mknod(Path("char-device"), mode, MakeDevice(1, 3)), "mknod");
        }

        if (_options.Socket)
        {
            // mknod makes the socket inode directly; a bound .NET socket would unlink it when closed.
            var mode = FilePermissions.S_IFSOCK | FilePermissions.S_IRUSR | FilePermissions.S_IWUSR | FilePermissions.S_IXUSR;
            Check(Syscall.mknod(Path("socket"), mode, 0), "mknod socket");
        }
    }

    private void AddXattrsAndAcls()
    {
        if (_options.Xattrs)
        {
            SetXattr("text.txt", "user.comment", "a comment"u8.ToArray());
            SetXattr("modes/exec", "user.binary", [.. Enumerable.Range(0, 256).Select(i => (byte)i)]);
            SetXattr("empty-dir", "user.folder", "1"u8.ToArray());
        }

        if (_options.Acls && System.IO.File.Exists("/usr/bin/setfacl"))
        {
            Run("setfacl", "-m", "u:12345:r,g:54321:rw", Path("modes/private"));
            Run("setfacl", "-d", "-m", "u:12345:rx", Path("modes/dir-0700"));
        }
    }

    private string Path(string relative) => UnixNames.Join(_root, relative);

    private void Dir(string relative)
    {
        var path = Path(relative);
        var parent = path[..path.LastIndexOf('/')];
        if (parent.Length > _root.Length)
        {
            Dir(parent[(_root.Length + 1)..]);
        }

        var rc = Syscall.mkdir(path, (FilePermissions)Convert.ToUInt32("755", 8));
        if (rc != 0 && Stdlib.GetLastError() != Errno.EEXIST)
        {
            Check(rc, "mkdir " + relative);
        }

        Chmod(relative, "755");
    }

    private void File(string relative, byte[] content, string mode = "644")
    {
        var slash = relative.LastIndexOf('/');
        if (slash > 0)
        {
            Dir(relative[..slash]);
        }

        var flags = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL;
        var fd = Syscall.open(Path(relative), flags, (FilePermissions)Convert.ToUInt32(mode, 8));
        Check(fd, "create " + relative);
        using (var stream = new Mono.Unix.UnixStream(fd, ownsHandle: true))
        {
            stream.Write(content, 0, content.Length);
        }

        Chmod(relative, mode);
        _files.Add(relative);
    }

    private void Symlink(string target, string relative) => Check(Syscall.symlink(target, Path(relative)), "symlink " + relative);

    private void Chmod(string relative, string octal) =>
        Check(Syscall.chmod(Path(relative), (FilePermissions)Convert.ToUInt32(octal, 8)), "chmod " + relative);

    private void SetXattr(string relative, string name, byte[] value) =>
        Check(Syscall.lsetxattr(Path(relative), name, value, XattrFlags.XATTR_AUTO), "setxattr " + relative);

    private byte[] Bytes(int size)
    {
        var data = new byte[size];
        _random.NextBytes(data);
        return data;
    }

    private byte[] Text(int size)
    {
        string[] words = ["backup", "restore", "chunk", "tree", "pack", "index", "save", "the", "a", "of", "mount", "bup"];
        var text = new StringBuilder(size + 16);
        while (text.Length < size)
        {
            text.Append(words[_random.Next(words.Length)]).Append(_random.Next(12) == 0 ? '\n' : ' ');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, size));
    }

    private static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);

    private static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw new IOException($"sample tree: {what}: {Stdlib.GetLastError()}");
        }
    }

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(tool, args);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"sample tree: {tool} exited with {process.ExitCode}");
        }
    }
}
