using System.Text;
using BupBackup.Posix;
using BupStore.Formats;

namespace BupBackup.Tests;

/// <summary>MetadataApplier's rules from bup's metadata.py, checked against lstat and the tools.</summary>
public sealed class MetadataApplierTests : IDisposable
{
    private const uint RegularMode = 0x81A4; // 0o100644
    private readonly TempDirectory _dir = new("apply");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void OwnersComeFromNamesUnlessNumericIdsAreRequested()
    {
        RequireRoot();
        var path = NewFile("f");
        var metadata = Regular(uid: 777, gid: 888, user: "nobody", group: "nogroup");
        Assert.Empty(MetadataApplier.Apply(path, metadata, numericIds: false, restoreOwners: true));
        Assert.Equal((Id("-u nobody"), Id("-g nobody")), Owners(path));
        Assert.Empty(MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: true));
        Assert.Equal((777u, 888u), Owners(path));
    }

    [Fact]
    public void UnknownNamesFallBackToIdsAndRootStaysRoot()
    {
        RequireRoot();
        var path = NewFile("f");
        MetadataApplier.Apply(path, Regular(uid: 4242, gid: 4343, user: "no-such-user-xyz", group: ""), numericIds: false, restoreOwners: true);
        Assert.Equal((4242u, 4343u), Owners(path));
        MetadataApplier.Apply(path, Regular(uid: 0, gid: 0, user: "nobody", group: "nogroup"), numericIds: false, restoreOwners: true);
        Assert.Equal((0u, 0u), Owners(path)); // bup does not map id 0 through names
    }

    [Fact]
    public void UnprivilegedRestoreOnlySetsGroupsWeBelongTo()
    {
        var path = NewFile("f");
        var before = Owners(path);
        var foreign = Regular(uid: 4242, gid: 4343, user: "", group: "");
        Assert.Empty(MetadataApplier.Apply(path, foreign, numericIds: true, restoreOwners: false));
        Assert.Equal(before, Owners(path));
        var ownGroup = PosixFiles.GetGroups().DefaultIfEmpty(before.Gid).First();
        MetadataApplier.Apply(path, Regular(uid: 4242, gid: ownGroup, user: "", group: ""), numericIds: true, restoreOwners: false);
        Assert.Equal((before.Uid, ownGroup), Owners(path));
    }

    [Fact]
    public void ModeIsSetAfterOwnersSoSetIdBitsSurvive()
    {
        RequireRoot();
        var path = NewFile("f");
        var metadata = Regular(uid: 4242, gid: 4343, user: "", group: "");
        metadata.Mode = 0x8DED; // 0o106755: setuid + setgid
        MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: true);
        Assert.Equal("6755 4242 4343", ProcessRunner.Bash("stat -c '%a %u %g' f", _dir.Path).Trim());
    }

    [Fact]
    public void TimesAreRestoredWithNanosecondsAndSymlinksKeepTheirTargetsTimes()
    {
        var file = NewFile("f");
        ProcessRunner.Bash("ln -s f l", _dir.Path);
        var fileTimes = PosixFiles.LStat(file).Mtime;
        var link = Regular(uid: 0, gid: 0, user: "", group: "");
        link.Mode = 0xA1FF;
        link.Atime = new BupTimespec(5, 6);
        link.Mtime = new BupTimespec(1500000000, 123);
        MetadataApplier.Apply(_dir.Bytes("l"), link, numericIds: true, restoreOwners: false);
        Assert.Equal(new BupTimespec(1500000000, 123), PosixFiles.LStat(_dir.Bytes("l")).Mtime);
        Assert.Equal(fileTimes, PosixFiles.LStat(file).Mtime);
        Assert.Equal("644", ProcessRunner.Bash("stat -c '%a' f", _dir.Path).Trim()); // no chmod through the link
    }

    [Fact]
    public void XattrsAreSetAndExtraOnesRemovedButAnEmptyRecordLeavesThemAlone()
    {
        var path = NewFile("f");
        ExtendedAttributes.Set(path, "user.stale"u8, "x"u8);
        ExtendedAttributes.Set(path, "user.same"u8, "1"u8);
        var metadata = Regular(uid: 0, gid: 0, user: "", group: "");
        metadata.Xattrs = [new("user.same"u8.ToArray(), "1"u8.ToArray()), new("user.new"u8.ToArray(), [0, 255])];
        Assert.Empty(MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: false));
        Assert.Equal(["user.new", "user.same"], ExtendedAttributes.List(path).Select(n => Encoding.ASCII.GetString(n)).Order());
        Assert.Equal([0, 255], ExtendedAttributes.Get(path, "user.new"u8));

        metadata.Xattrs = [];
        MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: false);
        Assert.Equal(2, ExtendedAttributes.List(path).Count);
    }

    [Fact]
    public void AclTextIsChosenByNumericIdsAndUnknownNamesWarn()
    {
        if (!PosixAcls.IsAvailable || !ProcessRunner.Exists("getfacl"))
        {
            Assert.Skip("libacl or getfacl is not installed");
        }

        var path = NewFile("f");
        var metadata = Regular(uid: 0, gid: 0, user: "", group: "");
        metadata.Acl = new PosixAcl("u::rw-,u:no-such-user-xyz:r--,g::r--,m::r--,o::r--"u8.ToArray(), "u::rw-,u:4242:r--,g::r--,m::r--,o::r--"u8.ToArray());
        var warnings = MetadataApplier.Apply(path, metadata, numericIds: false, restoreOwners: false);
        Assert.Contains(warnings, w => w.Contains("POSIX1e ACL", StringComparison.Ordinal));
        Assert.Empty(MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: false));
        Assert.Contains("user:4242:r--", ProcessRunner.Bash("getfacl -cn f", _dir.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryDefaultAclIsApplied()
    {
        if (!PosixAcls.IsAvailable || !ProcessRunner.Exists("getfacl"))
        {
            Assert.Skip("libacl or getfacl is not installed");
        }

        ProcessRunner.Bash("mkdir d", _dir.Path);
        var metadata = Regular(uid: 0, gid: 0, user: "", group: "");
        metadata.Mode = 0x41ED;
        var text = "u::rwx,g::r-x,g:4343:r-x,m::r-x,o::r-x"u8.ToArray();
        metadata.Acl = new PosixAcl(text, text, text, text);
        Assert.Empty(MetadataApplier.Apply(_dir.Bytes("d"), metadata, numericIds: true, restoreOwners: false));
        Assert.Contains("default:group:4343:r-x", ProcessRunner.Bash("getfacl -cn d", _dir.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void LinuxAttrFlagsAreRestored()
    {
        var path = NewFile("f");
        var metadata = Regular(uid: 0, gid: 0, user: "", group: "");
        metadata.LinuxAttr = 0x80 | LinuxFileAttributes.ExtentsFlag; // noatime ('A')
        var warnings = MetadataApplier.Apply(path, metadata, numericIds: true, restoreOwners: false);
        if (warnings.Count > 0)
        {
            Assert.Skip("this filesystem has no inode flags: " + warnings[0]);
        }

        Assert.Contains('A', ProcessRunner.Bash("lsattr -d f | cut -d' ' -f1", _dir.Path));
    }

    [Fact]
    public void MissingOrUnknownModesOnlyWarn()
    {
        var path = NewFile("f");
        Assert.Contains("no metadata", Assert.Single(MetadataApplier.Apply(path, new BupMetadata(), numericIds: true)), StringComparison.Ordinal);
        Assert.Contains("unrecognized mode", Assert.Single(MetadataApplier.Apply(path, new BupMetadata { Mode = 0xE1A4 }, numericIds: true)), StringComparison.Ordinal);
    }

    private static void RequireRoot()
    {
        if (!PosixFiles.IsSuperuser)
        {
            Assert.Skip("changing owners needs root");
        }
    }

    private static uint Id(string arguments) => uint.Parse(ProcessRunner.Bash("id " + arguments).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static (uint Uid, uint Gid) Owners(byte[] path) => (PosixFiles.LStat(path).Uid, PosixFiles.LStat(path).Gid);

    private byte[] NewFile(string name)
    {
        ProcessRunner.Bash($"touch {name}", _dir.Path);
        return _dir.Bytes(name);
    }

    private static BupMetadata Regular(uint uid, uint gid, string user, string group) => new()
    {
        Mode = RegularMode,
        Uid = uid,
        Gid = gid,
        User = Encoding.UTF8.GetBytes(user),
        Group = Encoding.UTF8.GetBytes(group),
        Atime = new BupTimespec(1000, 1),
        Mtime = new BupTimespec(2000, 2),
    };
}
