using BupFs;
using Conformance.Model;

namespace Conformance.Cases;

/// <summary>Sizes near the limits: long link targets, large xattr values, large and far-offset files.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] LimitCases =>
    [
        new("symlink-long-target", false, SymlinkLongTarget),
        new("hardlink-to-symlink", false, HardlinkToSymlink),
        new("xattr-large-value", false, XattrLargeValue),
        new("large-file-roundtrip", false, LargeFileRoundtrip),
        new("pwrite-beyond-4gib", false, PwriteBeyond4GiB),
    ];

    private static void SymlinkLongTarget(CaseContext c)
    {
        string target = string.Concat(Enumerable.Repeat("segment/", 511)) + "end"; // 4091 bytes: under PATH_MAX (4096) with its NUL
        c.Fs.Symlink(target, c["l"]);
        Assert.Equal(target, c.Fs.ReadLink(c["l"]));
        Assert.Equal(target.Length, c.Fs.Stat(c["l"]).Size);
    }

    private static void HardlinkToSymlink(CaseContext c)
    {
        // link(2) on Linux does not follow a symlink: the new name is a second link to the symlink itself.
        c.Fs.Symlink("nowhere", c["l"]);
        c.Fs.Link(c["l"], c["l2"]);
        FsStat second = c.Fs.Stat(c["l2"]);
        Assert.Equal(NodeKind.Symlink, second.Kind);
        Assert.Equal(2u, second.Links);
        Assert.Equal("nowhere", c.Fs.ReadLink(c["l2"]));
    }

    private static void XattrLargeValue(CaseContext c)
    {
        c.WriteFile("f", "x");
        byte[] value = new byte[60_000]; // under Linux's XATTR_SIZE_MAX (64 KiB)
        new Random(5).NextBytes(value);
        c.Fs.SetXattr(c["f"], "user.big", value, XattrSetMode.CreateOrReplace);
        Assert.Equal(value, c.Fs.GetXattr(c["f"], "user.big"));
    }

    private static void LargeFileRoundtrip(CaseContext c)
    {
        byte[] content = new byte[3 << 20];
        new Random(7).NextBytes(content);
        using (IOpenFile file = c.Fs.Open(c["big"], OpenMode.Write | OpenMode.Create))
        {
            for (int at = 0; at < content.Length; at += 300_000)
            {
                file.Write(at, content[at..Math.Min(content.Length, at + 300_000)]);
            }
        }

        Assert.Equal(content.Length, c.Fs.Stat(c["big"]).Size);
        using IOpenFile read = c.Fs.Open(c["big"], OpenMode.Read);
        Assert.Equal(content, read.Read(0, content.Length + 1));
        Assert.Equal(content[1_000_000..1_000_100], read.Read(1_000_000, 100));
    }

    private static void PwriteBeyond4GiB(CaseContext c)
    {
        const long Far = (5L << 30) + 3;
        using (IOpenFile file = c.Fs.Open(c["sparse"], OpenMode.Write | OpenMode.Create))
        {
            file.Write(Far, "end"u8.ToArray());
        }

        Assert.Equal(Far + 3, c.Fs.Stat(c["sparse"]).Size);
        using IOpenFile read = c.Fs.Open(c["sparse"], OpenMode.Read);
        Assert.Equal("\0\0end"u8.ToArray(), read.Read(Far - 2, 100));
        Assert.Equal(new byte[16], read.Read(1L << 32, 16));
        c.Fs.Unlink(c["sparse"]); // its spool file is sparse, but a commit would hash all 5 GiB
    }
}
