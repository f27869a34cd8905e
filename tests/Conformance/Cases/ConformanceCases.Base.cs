using BupFs;
using Conformance.Model;
using Conformance.Targets;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>
/// Changes to what the staging tree starts with: files and folders that come from the save in the
/// repository until their first change copies them into the staging area. Each case owns its files
/// in base/ (<see cref="SavedTree.BaseFiles"/>), so the cases stay independent.
/// </summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] BaseCases =>
    [
        new("base-file-reads-then-overwrite", false, BaseFileOverwrite),
        new("base-file-truncate-shrink-grow", false, BaseFileTruncate),
        new("base-file-open-truncate", false, BaseFileOpenTruncate),
        new("base-file-hardlink", false, BaseFileHardlink),
        new("base-file-xattr-and-chmod", false, BaseFileXattrAndChmod),
        new("base-dir-rename-rmdir", false, BaseDirRenameRmdir),
        new("base-file-rename-into-new-dir", false, BaseFileRenameIntoNewDir),
    ];

    private static void BaseFileOverwrite(CaseContext c)
    {
        string path = Base("edit.txt");
        Assert.Equal(SavedTree.BaseContent.Length, c.Fs.Stat(path).Size);
        using (IOpenFile file = c.Fs.Open(path, OpenMode.ReadWrite))
        {
            Assert.Equal("345"u8.ToArray(), file.Read(3, 3));
            file.Write(3, "abc"u8.ToArray());
            Assert.Equal("012abc6789"u8.ToArray(), file.Read(0, 100));
        }

        Assert.Equal(10, c.Fs.Stat(path).Size);
        Assert.Equal("edit.txt", c.Fs.ReadLink(Base("link")));
        using IOpenFile again = c.Fs.Open(path, OpenMode.Read);
        Assert.Equal("012abc6789"u8.ToArray(), again.Read(0, 100));
    }

    private static void BaseFileTruncate(CaseContext c)
    {
        string path = Base("trunc.txt");
        c.Fs.Truncate(path, 3);
        Assert.Equal(3, c.Fs.Stat(path).Size);
        c.Fs.Truncate(path, 5);
        Assert.Equal(5, c.Fs.Stat(path).Size);
        using IOpenFile file = c.Fs.Open(path, OpenMode.Read);
        Assert.Equal("012\0\0"u8.ToArray(), file.Read(0, 100));
    }

    private static void BaseFileOpenTruncate(CaseContext c)
    {
        string path = Base("otrunc.txt");
        using (IOpenFile file = c.Fs.Open(path, OpenMode.Write | OpenMode.Truncate))
        {
            file.Write(0, "new"u8.ToArray());
        }

        Assert.Equal(3, c.Fs.Stat(path).Size);
        using IOpenFile read = c.Fs.Open(path, OpenMode.Read);
        Assert.Equal("new"u8.ToArray(), read.Read(0, 100));
    }

    private static void BaseFileHardlink(CaseContext c)
    {
        c.Fs.Link(Base("linked.txt"), c["second-name"]);
        Assert.Equal(2u, c.Fs.Stat(Base("linked.txt")).Links);
        Assert.Equal(c.Fs.Stat(Base("linked.txt")).Inode, c.Fs.Stat(c["second-name"]).Inode);
        Assert.Equal(SavedTree.BaseContent, c.ReadFile("second-name"));
        using (IOpenFile file = c.Fs.Open(c["second-name"], OpenMode.Write | OpenMode.Append))
        {
            file.Write(0, "+"u8.ToArray());
        }

        using IOpenFile read = c.Fs.Open(Base("linked.txt"), OpenMode.Read);
        Assert.Equal("0123456789+"u8.ToArray(), read.Read(0, 100));
    }

    private static void BaseFileXattrAndChmod(CaseContext c)
    {
        string path = Base("xattr.txt");
        c.Fs.SetXattr(path, "user.added", [7], XattrSetMode.CreateOnly);
        c.Fs.Chmod(path, 0x180);
        Assert.Equal([7], c.Fs.GetXattr(path, "user.added"));
        Assert.Equal(0x180u, c.Fs.Stat(path).Permissions);
        using IOpenFile read = c.Fs.Open(path, OpenMode.Read);
        Assert.Equal(SavedTree.BaseContent, System.Text.Encoding.ASCII.GetString(read.Read(0, 100)));
    }

    private static void BaseDirRenameRmdir(CaseContext c)
    {
        c.Fs.Rename(Base("dir"), c["moved"]);
        Fails(FsError.NotFound, () => c.Fs.Stat(Base("dir")));
        Assert.Equal("inner\n", c.ReadFile("moved/inner.txt"));
        Fails(FsError.NotEmpty, () => c.Fs.RemoveDirectory(c["moved"]));
        c.Fs.Unlink(c["moved/inner.txt"]);
        c.Fs.RemoveDirectory(c["moved"]);
        Assert.Empty(c.Fs.ReadDirectory(c.Dir));
    }

    private static void BaseFileRenameIntoNewDir(CaseContext c)
    {
        c.Fs.MakeDirectory(c["new"]);
        c.Fs.Rename(Base("renamed.txt"), c["new/renamed.txt"]);
        Assert.DoesNotContain("renamed.txt", c.Fs.ReadDirectory(SavedTree.BaseFolder));
        Assert.Equal(SavedTree.BaseContent, c.ReadFile("new/renamed.txt"));
    }
}
