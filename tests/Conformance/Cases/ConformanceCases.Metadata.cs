using System.Text;
using BupFs;
using Conformance.Model;
using static Conformance.Cases.CaseContext;

namespace Conformance.Cases;

/// <summary>Metadata: modes, owners, nanosecond times, extended attributes.</summary>
public static partial class ConformanceCases
{
    private static ConformanceCase[] MetadataCases =>
    [
        new("chmod-chown-utimens-ns", false, ChmodChownUtimensNs),
        new("symlink-times-and-owner", false, SymlinkTimesAndOwner),
        new("xattr-create-replace-remove", false, XattrCreateReplaceRemove),
        new("xattr-binary-and-empty-values", false, XattrBinaryAndEmptyValues),
    ];

    private static void ChmodChownUtimensNs(CaseContext c)
    {
        c.WriteFile("f", "x");
        c.Fs.Chmod(c["f"], 0x1A0); // 0640
        c.Fs.Chown(c["f"], 1234, 5678);
        var atime = new FsTime(1_600_000_000, 123_456_789);
        var mtime = new FsTime(1_500_000_000, 987_654_321);
        c.Fs.SetTimes(c["f"], atime, mtime);
        FsStat stat = c.Fs.Stat(c["f"]);
        Assert.Equal(0x1A0u, stat.Permissions);
        Assert.Equal((1234u, 5678u), (stat.Uid, stat.Gid));
        Assert.Equal(atime, stat.AccessTime);
        Assert.Equal(mtime, stat.ModifyTime);
        c.Fs.Chmod(c["f"], 0xDED); // 06755: setuid and setgid kept when root sets them
        Assert.Equal(0xDEDu, c.Fs.Stat(c["f"]).Permissions);
    }

    private static void SymlinkTimesAndOwner(CaseContext c)
    {
        c.WriteFile("target", "t");
        c.Fs.Symlink("target", c["l"]);
        var when = new FsTime(1_400_000_000, 5);
        c.Fs.SetTimes(c["l"], when, when);
        c.Fs.Chown(c["l"], 42, 43);
        FsStat link = c.Fs.Stat(c["l"]);
        Assert.Equal(when, link.ModifyTime);
        Assert.Equal((42u, 43u), (link.Uid, link.Gid));
        FsStat target = c.Fs.Stat(c["target"]);
        Assert.NotEqual(when, target.ModifyTime); // lchown and AT_SYMLINK_NOFOLLOW leave the target alone
        Assert.NotEqual(42u, target.Uid);
    }

    private static void XattrCreateReplaceRemove(CaseContext c)
    {
        c.WriteFile("f", "x");
        byte[] one = Encoding.ASCII.GetBytes("one");
        byte[] two = Encoding.ASCII.GetBytes("two");
        Fails(FsError.NoAttribute, () => c.Fs.GetXattr(c["f"], "user.test"));
        Fails(FsError.NoAttribute, () => c.Fs.SetXattr(c["f"], "user.test", one, XattrSetMode.ReplaceOnly));
        c.Fs.SetXattr(c["f"], "user.test", one, XattrSetMode.CreateOnly);
        Fails(FsError.Exists, () => c.Fs.SetXattr(c["f"], "user.test", two, XattrSetMode.CreateOnly));
        Assert.Equal(one, c.Fs.GetXattr(c["f"], "user.test"));
        c.Fs.SetXattr(c["f"], "user.test", two, XattrSetMode.ReplaceOnly);
        c.Fs.SetXattr(c["f"], "user.other", one, XattrSetMode.CreateOrReplace);
        Assert.Equal(two, c.Fs.GetXattr(c["f"], "user.test"));
        Assert.Equal(["user.other", "user.test"], c.Fs.ListXattrs(c["f"]));
        c.Fs.RemoveXattr(c["f"], "user.test");
        Fails(FsError.NoAttribute, () => c.Fs.GetXattr(c["f"], "user.test"));
        Fails(FsError.NoAttribute, () => c.Fs.RemoveXattr(c["f"], "user.test"));
        Assert.Equal(["user.other"], c.Fs.ListXattrs(c["f"]));
    }

    private static void XattrBinaryAndEmptyValues(CaseContext c)
    {
        c.Fs.MakeDirectory(c["d"]);
        byte[] binary = [0, 1, 2, 255, 0, 128];
        c.Fs.SetXattr(c["d"], "user.bin", binary, XattrSetMode.CreateOrReplace);
        c.Fs.SetXattr(c["d"], "user.empty", [], XattrSetMode.CreateOrReplace);
        Assert.Equal(binary, c.Fs.GetXattr(c["d"], "user.bin"));
        Assert.Empty(c.Fs.GetXattr(c["d"], "user.empty"));
        Assert.Equal(["user.bin", "user.empty"], c.Fs.ListXattrs(c["d"]));
    }
}
