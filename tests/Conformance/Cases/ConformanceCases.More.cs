using BupFs;
using Conformance.Model;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>Corners of rename and links, shared opens, long listings, and xattrs on symlinks.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] MoreCases =>
    [
        new("rename-hardlink-onto-itself-noop", false, RenameHardlinkOntoItself),
        new("rename-both-flags-einval", false, RenameBothFlags),
        new("rename-dir-with-contents", false, RenameDirWithContents),
        new("hardlink-survives-rename", false, HardlinkSurvivesRename),
        new("two-opens-share-content", false, TwoOpensShareContent),
        new("readdir-many-entries", false, ReaddirManyEntries),
        new("xattr-user-on-symlink", false, XattrUserOnSymlink),
        new("rename-over-open-file-still-readable", false, RenameOverOpenFile),
        new("truncate-while-open", false, TruncateWhileOpen),
        new("dir-mtime-follows-entries", false, DirMtimeFollowsEntries),
    ];

    private static void RenameHardlinkOntoItself(CaseContext c)
    {
        // rename(2): when both names are links to one file, rename does nothing and succeeds.
        c.WriteFile("a", "x");
        c.Fs.Link(c["a"], c["b"]);
        c.Fs.Rename(c["a"], c["b"]);
        Assert.Equal(["a", "b"], c.Fs.ReadDirectory(c.Dir));
        Assert.Equal(2u, c.Fs.Stat(c["a"]).Links);
        c.Fs.Rename(c["a"], c["a"]);
        Assert.Equal("x", c.ReadFile("a"));
    }

    private static void RenameBothFlags(CaseContext c)
    {
        c.WriteFile("a", "a");
        c.WriteFile("b", "b");
        Fails(FsError.InvalidArgument, () => c.Fs.Rename(c["a"], c["b"], RenameFlags.NoReplace | RenameFlags.Exchange));
        Assert.Equal("a", c.ReadFile("a"));
    }

    private static void RenameDirWithContents(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.MakeDirectory(c["d/sub"]);
        c.WriteFile("d/sub/f", "deep");
        c.Fs.Symlink("sub/f", c["d/l"]);
        c.Fs.Rename(c["d"], c["e"]);
        Assert.Equal("deep", c.ReadFile("e/sub/f"));
        Assert.Equal("sub/f", c.Fs.ReadLink(c["e/l"]));
        Fails(FsError.NotFound, () => c.Fs.Stat(c["d/sub/f"]));
        c.WriteFile("e/sub/g", "new");
        Assert.Equal(["f", "g"], c.Fs.ReadDirectory(c["e/sub"]));
    }

    private static void HardlinkSurvivesRename(CaseContext c)
    {
        c.WriteFile("a", "content");
        c.Fs.Link(c["a"], c["b"]);
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.Rename(c["a"], c["d/c"]);
        Assert.Equal(2u, c.Fs.Stat(c["b"]).Links);
        Assert.Equal(c.Fs.Stat(c["b"]).Inode, c.Fs.Stat(c["d/c"]).Inode);
        c.Fs.Unlink(c["b"]);
        Assert.Equal(1u, c.Fs.Stat(c["d/c"]).Links);
        Assert.Equal("content", c.ReadFile("d/c"));
    }

    private static void TwoOpensShareContent(CaseContext c)
    {
        using IOpenFile writer = c.Fs.Open(c["f"], OpenMode.Write | OpenMode.Create);
        using IOpenFile reader = c.Fs.Open(c["f"], OpenMode.Read);
        writer.Write(0, "first"u8.ToArray());
        Assert.Equal("first"u8.ToArray(), reader.Read(0, 100));
        writer.Write(5, "+second"u8.ToArray());
        Assert.Equal("first+second"u8.ToArray(), reader.Read(0, 100));
        Assert.Equal(12, c.Fs.Stat(c["f"]).Size);
    }

    private static void ReaddirManyEntries(CaseContext c)
    {
        // Many more entries than one readdir reply (a page) holds, so hosts page through the listing by offset.
        string[] names = [.. Enumerable.Range(0, 300).Select(i => $"entry-with-a-longish-name-{i:D4}")];
        foreach (string name in names)
        {
            c.Fs.Open(c[name], OpenMode.Write | OpenMode.Create | OpenMode.Exclusive).Dispose();
        }

        Assert.Equal(names, c.Fs.ReadDirectory(c.Dir));
        for (int i = 0; i < names.Length; i += 3)
        {
            c.Fs.Unlink(c[names[i]]);
        }

        Assert.Equal(names.Where((_, i) => i % 3 != 0), c.Fs.ReadDirectory(c.Dir));
    }

    private static void XattrUserOnSymlink(CaseContext c)
    {
        c.Fs.Symlink("anywhere", c["l"]);
        if (c.Expect.UserXattrOnSymlink is { } refused)
        {
            Fails(refused, () => c.Fs.SetXattr(c["l"], "user.x", [1], XattrSetMode.CreateOrReplace));
            return;
        }

        c.Fs.SetXattr(c["l"], "user.x", [1], XattrSetMode.CreateOrReplace);
        Assert.Equal([1], c.Fs.GetXattr(c["l"], "user.x"));
    }

    private static void RenameOverOpenFile(CaseContext c)
    {
        c.WriteFile("old", "old content");
        c.WriteFile("new", "new");
        using IOpenFile file = c.Fs.Open(c["old"], OpenMode.Read);
        c.Fs.Rename(c["new"], c["old"]);
        Assert.Equal("old content"u8.ToArray(), file.Read(0, 100)); // the replaced file lives on while open
        Assert.Equal("new", c.ReadFile("old"));
    }

    private static void TruncateWhileOpen(CaseContext c)
    {
        c.WriteFile("f", "0123456789");
        using IOpenFile file = c.Fs.Open(c["f"], OpenMode.ReadWrite);
        c.Fs.Truncate(c["f"], 4);
        Assert.Equal("0123"u8.ToArray(), file.Read(0, 100));
        file.Write(6, "x"u8.ToArray());
        Assert.Equal("0123\0\0x"u8.ToArray(), file.Read(0, 100));
        Assert.Equal(7, c.Fs.Stat(c["f"]).Size);
    }

    private static void DirMtimeFollowsEntries(CaseContext c)
    {
        var old = new FsTime(1_000_000_000, 0);
        c.Fs.MakeDirectory(c["d"]);
        c.Fs.SetTimes(c["d"], old, old);
        c.WriteFile("d/f", "x");
        Assert.True(c.Fs.Stat(c["d"]).ModifyTime.Seconds > old.Seconds, "creating an entry left the directory's mtime");
        c.Fs.SetTimes(c["d"], old, old);
        c.Fs.Unlink(c["d/f"]);
        Assert.True(c.Fs.Stat(c["d"]).ModifyTime.Seconds > old.Seconds, "removing an entry left the directory's mtime");
    }
}
