using BupFs;
using Conformance.Model;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>Names: rename and its flags, removal, links, directories, listing, name limits.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] NamespaceCases =>
    [
        new("rename-file", false, RenameFile),
        new("rename-over-file", false, RenameOverFile),
        new("rename-noreplace", false, RenameNoReplace),
        new("rename-exchange", false, RenameExchange),
        new("rename-dir-into-itself-einval", false, RenameDirIntoItself),
        new("rename-dir-over-nonempty-dir", false, RenameDirOverNonEmptyDir),
        new("rename-file-over-dir-eisdir", false, RenameFileOverDir),
        new("rmdir-nonempty", false, RmdirNonEmpty),
        new("rmdir-file-enotdir", false, RmdirFile),
        new("unlink-dir", false, UnlinkDir),
        new("unlink-open-file-still-readable", false, UnlinkOpenFile),
        new("hardlink-shares-content", false, HardlinkSharesContent),
        new("symlink-readlink", false, SymlinkReadlink),
        new("readlink-of-file-einval", false, ReadlinkOfFile),
        new("mkdir-exists", false, MkdirExists),
        new("lookup-through-file-enotdir", false, LookupThroughFile),
        new("mknod-fifo", false, MknodFifo),
        new("readdir-after-changes", false, ReaddirAfterChanges),
        new("name-too-long", false, NameTooLong),
    ];

    private static void RenameFile(CaseContext c)
    {
        c.WriteFile("a", "content");
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.Rename(c["a"], c["d/b"]);
        Fails(FsError.NotFound, () => c.Fs.Stat(c["a"]));
        Assert.Equal("content", c.ReadFile("d/b"));
        Fails(FsError.NotFound, () => c.Fs.Rename(c["a"], c["x"]));
    }

    private static void RenameOverFile(CaseContext c)
    {
        c.WriteFile("a", "new");
        c.WriteFile("b", "old content");
        ulong inode = c.Fs.Stat(c["a"]).Inode;
        c.Fs.Rename(c["a"], c["b"]);
        Assert.Equal("new", c.ReadFile("b"));
        Assert.Equal(inode, c.Fs.Stat(c["b"]).Inode);
        Assert.Equal(["b"], c.Fs.ReadDirectory(c.Dir));
    }

    private static void RenameNoReplace(CaseContext c)
    {
        c.WriteFile("a", "a");
        c.WriteFile("b", "b");
        Fails(FsError.Exists, () => c.Fs.Rename(c["a"], c["b"], RenameFlags.NoReplace));
        Assert.Equal("a", c.ReadFile("a"));
        Assert.Equal("b", c.ReadFile("b"));
        c.Fs.Rename(c["a"], c["c"], RenameFlags.NoReplace);
        Assert.Equal("a", c.ReadFile("c"));
    }

    private static void RenameExchange(CaseContext c)
    {
        c.WriteFile("f", "file");
        c.Fs.MakeDirectory(c["d"]);
        c.WriteFile("d/inside", "in");
        c.Fs.Rename(c["f"], c["d"], RenameFlags.Exchange);
        Assert.Equal("file", c.ReadFile("d"));
        Assert.Equal("in", c.ReadFile("f/inside"));
        Fails(FsError.NotFound, () => c.Fs.Rename(c["f"], c["missing"], RenameFlags.Exchange));
    }

    private static void RenameDirIntoItself(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.MakeDirectory(c["d/sub"]);
        Fails(FsError.InvalidArgument, () => c.Fs.Rename(c["d"], c["d/sub/d"]));
        Fails(FsError.InvalidArgument, () => c.Fs.Rename(c["d"], c["d/x"]));
        Assert.Equal(["sub"], c.Fs.ReadDirectory(c["d"]));
    }

    private static void RenameDirOverNonEmptyDir(CaseContext c)
    {
        c.Fs.MakeDirectory(c["a"]);
        c.Fs.MakeDirectory(c["b"]);
        c.WriteFile("b/keep", "k");
        Assert.Contains(Assert.Throws<FsException>(() => c.Fs.Rename(c["a"], c["b"])).Error, c.Expect.RenameOverNonEmptyDirectory);
        c.Fs.MakeDirectory(c["empty"]);
        c.Fs.Rename(c["a"], c["empty"]);
        Assert.Equal(["b", "empty"], c.Fs.ReadDirectory(c.Dir));
    }

    private static void RenameFileOverDir(CaseContext c)
    {
        c.WriteFile("f", "f");
        c.Fs.MakeDirectory(c["d"]);
        Fails(FsError.IsDirectory, () => c.Fs.Rename(c["f"], c["d"]));
        Fails(FsError.NotDirectory, () => c.Fs.Rename(c["d"], c["f"]));
    }

    private static void RmdirNonEmpty(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        c.WriteFile("d/f", "x");
        Fails(FsError.NotEmpty, () => c.Fs.RemoveDirectory(c["d"]));
        c.Fs.Unlink(c["d/f"]);
        c.Fs.RemoveDirectory(c["d"]);
        Fails(FsError.NotFound, () => c.Fs.Stat(c["d"]));
    }

    private static void RmdirFile(CaseContext c)
    {
        c.WriteFile("f", "x");
        Fails(FsError.NotDirectory, () => c.Fs.RemoveDirectory(c["f"]));
        Fails(FsError.NotFound, () => c.Fs.RemoveDirectory(c["missing"]));
    }

    private static void UnlinkDir(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        Fails(c.Expect.UnlinkDirectory, () => c.Fs.Unlink(c["d"]));
        Fails(FsError.NotFound, () => c.Fs.Unlink(c["missing"]));
    }

    private static void UnlinkOpenFile(CaseContext c)
    {
        c.WriteFile("f", "still here");
        using IOpenFile file = c.Fs.Open(c["f"], OpenMode.ReadWrite);
        c.Fs.Unlink(c["f"]);
        Fails(FsError.NotFound, () => c.Fs.Stat(c["f"]));
        Assert.Equal("still here"u8.ToArray(), file.Read(0, 100));
        file.Write(10, "!"u8.ToArray());
        Assert.Equal("still here!"u8.ToArray(), file.Read(0, 100));
        Assert.Empty(c.Fs.ReadDirectory(c.Dir));
    }

    private static void HardlinkSharesContent(CaseContext c)
    {
        c.WriteFile("a", "shared");
        c.Fs.Link(c["a"], c["b"]);
        FsStat a = c.Fs.Stat(c["a"]);
        Assert.Equal(a.Inode, c.Fs.Stat(c["b"]).Inode);
        Assert.Equal(2u, a.Links);
        using (IOpenFile file = c.Fs.Open(c["b"], OpenMode.Write | OpenMode.Append))
        {
            file.Write(0, "+more"u8.ToArray());
        }

        Assert.Equal("shared+more", c.ReadFile("a"));
        c.Fs.Unlink(c["a"]);
        Assert.Equal(1u, c.Fs.Stat(c["b"]).Links);
        Assert.Equal("shared+more", c.ReadFile("b"));
        c.Fs.MakeDirectory(c["d"]);
        Fails(FsError.NotPermitted, () => c.Fs.Link(c["d"], c["d2"])); // link(2): EPERM for directories
    }

    private static void SymlinkReadlink(CaseContext c)
    {
        c.Fs.Symlink("no/such/target", c["l"]);
        FsStat stat = c.Fs.Stat(c["l"]);
        Assert.Equal(NodeKind.Symlink, stat.Kind);
        Assert.Equal("no/such/target".Length, stat.Size);
        Assert.Equal("no/such/target", c.Fs.ReadLink(c["l"]));
        Fails(FsError.Exists, () => c.Fs.Symlink("x", c["l"]));
    }

    private static void ReadlinkOfFile(CaseContext c)
    {
        c.WriteFile("f", "x");
        Fails(FsError.InvalidArgument, () => c.Fs.ReadLink(c["f"]));
    }

    private static void MkdirExists(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"], 0x1C0);
        FsStat stat = c.Fs.Stat(c["d"]);
        Assert.Equal(NodeKind.Directory, stat.Kind);
        Assert.Equal(0x1C0u, stat.Permissions);
        Fails(FsError.Exists, () => c.Fs.MakeDirectory(c["d"]));
        c.WriteFile("f", "x");
        Fails(FsError.Exists, () => c.Fs.MakeDirectory(c["f"]));
        Fails(FsError.NotDirectory, () => c.Fs.MakeDirectory(c["f/sub"]));
        Fails(FsError.NotFound, () => c.Fs.MakeDirectory(c["missing/sub"]));
    }

    private static void LookupThroughFile(CaseContext c)
    {
        c.WriteFile("f", "x");
        Fails(FsError.NotDirectory, () => c.Fs.Stat(c["f/x"]));
        Fails(FsError.NotFound, () => c.Fs.Stat(c["missing"]));
    }

    private static void MknodFifo(CaseContext c)
    {
        c.Fs.MakeFifo(c["p"]);
        Assert.Equal(NodeKind.Fifo, c.Fs.Stat(c["p"]).Kind);
        Assert.Equal(["p"], c.Fs.ReadDirectory(c.Dir));
    }

    private static void ReaddirAfterChanges(CaseContext c)
    {
        foreach (string name in new[] { "a", "b", "c" })
        {
            c.WriteFile(name, name);
        }

        Assert.Equal(["a", "b", "c"], c.Fs.ReadDirectory(c.Dir));
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.Unlink(c["b"]);
        c.Fs.Rename(c["c"], c["e"]);
        c.Fs.Symlink("a", c["s"]);
        Assert.Equal(["a", "d", "e", "s"], c.Fs.ReadDirectory(c.Dir));
        c.Fs.Rename(c["e"], c["d/e"]);
        Assert.Equal(["a", "d", "s"], c.Fs.ReadDirectory(c.Dir));
        Assert.Equal(["e"], c.Fs.ReadDirectory(c["d"]));
    }

    private static void NameTooLong(CaseContext c)
    {
        string longest = new('n', c.Expect.NameMax);
        string tooLong = longest + "n";
        c.WriteFile(longest, "ok");
        Assert.Equal("ok", c.ReadFile(longest));
        Fails(FsError.NameTooLong, () => c.Fs.Open(c[tooLong], OpenMode.Write | OpenMode.Create).Dispose());
        Fails(FsError.NameTooLong, () => c.Fs.MakeDirectory(c[tooLong]));
        Fails(FsError.NameTooLong, () => c.Fs.Stat(c[tooLong]));
        Fails(FsError.NameTooLong, () => c.Fs.Rename(c[longest], c[tooLong]));
    }
}
