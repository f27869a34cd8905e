using BupFs;
using Conformance.Model;
using Conformance.Targets;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>The read-only repository view: a save reads back, and every kind of write is refused with one error.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] ReadOnlyCases =>
    [
        new("read-only-view-reads-save", true, ReadOnlyViewReadsSave),
        new("read-only-view-refuses-writes", true, ReadOnlyViewRefusesWrites),
        new("read-only-view-refuses-metadata-changes", true, ReadOnlyViewRefusesMetadataChanges),
    ];

    private static void ReadOnlyViewReadsSave(CaseContext c)
    {
        Assert.Equal(["base", "hello.txt", "link", "sub"], c.Fs.ReadDirectory(c.Dir));
        Assert.Equal(SavedTree.Hello, c.ReadFile("hello.txt"));
        Assert.Equal("inner\n", c.ReadFile("sub/inner.txt"));
        Assert.Equal("hello.txt", c.Fs.ReadLink(c["link"]));
        Assert.Equal(NodeKind.Symlink, c.Fs.Stat(c["link"]).Kind);
        Assert.Equal(SavedTree.Hello.Length, c.Fs.Stat(c["hello.txt"]).Size);
        using IOpenFile file = c.Fs.Open(c["hello.txt"], OpenMode.Read);
        Assert.Equal("saved"u8.ToArray(), file.Read(7, 5));
        Fails(FsError.NotFound, () => c.Fs.Stat(c["missing"]));
        Fails(FsError.NotDirectory, () => c.Fs.Stat(c["hello.txt/x"]));
        Fails(FsError.NameTooLong, () => c.Fs.Stat(c[new string('n', c.Expect.NameMax + 1)]));
    }

    private static void ReadOnlyViewRefusesWrites(CaseContext c)
    {
        Fails(FsError.ReadOnly, () => c.Fs.Open(c["hello.txt"], OpenMode.Write).Dispose());
        Fails(FsError.ReadOnly, () => c.Fs.Open(c["hello.txt"], OpenMode.ReadWrite).Dispose());
        Fails(FsError.ReadOnly, () => c.Fs.Open(c["new.txt"], OpenMode.Write | OpenMode.Create).Dispose());
        Fails(FsError.ReadOnly, () => c.Fs.MakeDirectory(c["newdir"]));
        Fails(FsError.ReadOnly, () => c.Fs.Unlink(c["hello.txt"]));
        Fails(FsError.ReadOnly, () => c.Fs.RemoveDirectory(c["sub"]));
        Fails(FsError.ReadOnly, () => c.Fs.Rename(c["hello.txt"], c["renamed.txt"]));
        Fails(FsError.ReadOnly, () => c.Fs.Link(c["hello.txt"], c["hard"]));
        Fails(FsError.ReadOnly, () => c.Fs.Symlink("x", c["sym"]));
        Fails(FsError.ReadOnly, () => c.Fs.MakeFifo(c["fifo"]));
        Assert.Equal(["base", "hello.txt", "link", "sub"], c.Fs.ReadDirectory(c.Dir));
    }

    private static void ReadOnlyViewRefusesMetadataChanges(CaseContext c)
    {
        Fails(FsError.ReadOnly, () => c.Fs.Truncate(c["hello.txt"], 0));
        Fails(FsError.ReadOnly, () => c.Fs.Chmod(c["hello.txt"], 0x1FF));
        Fails(FsError.ReadOnly, () => c.Fs.Chown(c["hello.txt"], 1, 1));
        Fails(FsError.ReadOnly, () => c.Fs.SetTimes(c["hello.txt"], default, default));
        Fails(FsError.ReadOnly, () => c.Fs.SetXattr(c["hello.txt"], "user.x", [1], XattrSetMode.CreateOrReplace));
        Fails(FsError.ReadOnly, () => c.Fs.RemoveXattr(c["hello.txt"], "user.x"));
        Assert.Equal(SavedTree.Hello, c.ReadFile("hello.txt"));
    }
}
