using System.Text;
using BupFs.Repo;
using BupFs.Staging;
using BupFs.Tests.Support;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Saves;

namespace BupFs.Tests.Staging;

/// <summary>
/// POSIX ACLs set through the staging tree: the kernel's binary values become the text real bup
/// records for the same ACL (compared with a save of real files by /usr/bin/bup), malformed values
/// are refused, and the mode follows the ACL as on Linux.
/// </summary>
public sealed class StagingAclTests : IDisposable
{
    private const long Date = 1_700_000_000;
    private static readonly FsCaller Root = new(0, 0, 0, 0);

    // name, directory?, setfacl arguments (each run in turn): the cases bup was checked with by hand.
    private static readonly (string Name, bool Directory, string[][] Setfacl)[] Cases =
    [
        ("named", false, [["-m", "u:1:rw,g:4:r,u:54321:x"]]),
        ("masked", false, [["-m", "u:1:rwx,g::rw,g:99999:rwx"], ["-m", "m::r"]]),
        ("mask-only", false, [["-m", "m::r"]]),
        ("default-only", true, [["-d", "-m", "u:1:rwx"]]),
        ("access-only", true, [["-m", "u:1:rx"]]),
        ("both", true, [["-m", "u:1:rx,d:g:2:r"]]),
    ];

    private readonly TestRepository _repo = TestRepository.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void AclsSetFromTheKernelsValues_AreRecordedAsRealBupRecordsThem()
    {
        if (Tool.Require("setfacl", "acl") is { } reason)
        {
            Assert.Skip(reason);
        }

        var source = MakeSourceTree();
        _repo.Save("real", Date, source);
        using (var session = new Session(_repo.RepoPath, "staged"))
        {
            foreach (var (name, directory, _) in Cases)
            {
                var fs = session.Fs;
                var node = directory ? fs.MakeDirectory(fs.RootNode, Encoding.UTF8.GetBytes(name), 0x1ED, Root).Inode : NewFile(fs, name);
                foreach (var (xattr, value) in TestSupport.Xattrs.Read(Path.Join(source, name)).Where(x => x.Key.StartsWith("system.posix_acl_", StringComparison.Ordinal)))
                {
                    fs.SetExtendedAttribute(node, Encoding.UTF8.GetBytes(xattr), value, XattrSetMode.CreateOrReplace);
                }
            }

            session.Commit();
        }

        var (repository, view) = _repo.Open();
        using (repository)
        using (view)
        {
            foreach (var (name, _, _) in Cases)
            {
                var real = Record(view, "/real/latest" + source + "/" + name);
                var staged = Record(view, "/staged/latest/" + name);
                Assert.NotNull(real.Acl);
                Assert.Equal(real.Acl, staged.Acl);
                Assert.Equal(real.Mode, staged.Mode);
                Assert.Equal(AclXattrs(real), AclXattrs(staged));
            }
        }
    }

    [Theory]
    [InlineData("02000000" + "01000600ffffffff" + "04000400ffffffff" + "20000400ffffffff", "u::rw-,g::r--,o::r--")]
    [InlineData("02000000" + "01000700ffffffff" + "0200060001000000" + "0200010031d40000" + "04000500ffffffff" + "0800040004000000" + "10000700ffffffff" + "20000000ffffffff",
        "u::rwx,u:alice:rw-,u:54321:--x,g::r-x,g:a\\040b\\072c\\054d\\\\e:r--,m::rwx,o::---")]
    public void BinaryToTextToBinary_IsTheSameValue(string hex, string named)
    {
        var value = Convert.FromHexString(hex);
        var entries = PosixAclValue.Parse(value)!;
        var names = new FixedUserNames(new Dictionary<uint, string> { [1] = "alice" }, new Dictionary<uint, string> { [4] = "a b:c,d\\e" });
        Assert.Equal(named, Encoding.UTF8.GetString(PosixAclText.Format(entries, names)));
        Assert.Equal(value, PosixAclXattr.FromText(PosixAclText.Format(entries, null)));
        Assert.Equal(value, PosixAclXattr.Encode(entries));
    }

    [Theory]
    [InlineData("")] // no header
    [InlineData("020000")] // short header
    [InlineData("01000000" + "01000600ffffffff" + "04000400ffffffff" + "20000400ffffffff")] // version 1
    [InlineData("02000000" + "01000600ffffffff" + "04000400ffffffff" + "20000400ffff")] // partial entry
    [InlineData("02000000" + "01000600ffffffff" + "04000400ffffffff" + "40000400ffffffff")] // unknown tag
    [InlineData("02000000" + "01000800ffffffff" + "04000400ffffffff" + "20000400ffffffff")] // permission bit beyond rwx
    [InlineData("02000000" + "01000600ffffffff" + "02000400ffffffff" + "04000400ffffffff" + "10000400ffffffff" + "20000400ffffffff")] // named user -1
    [InlineData("02000000" + "01000600ffffffff" + "0200040001000000" + "04000400ffffffff" + "20000400ffffffff")] // named entry without mask
    [InlineData("02000000" + "04000400ffffffff" + "01000600ffffffff" + "20000400ffffffff")] // group before owner
    [InlineData("02000000" + "01000600ffffffff" + "0200040002000000" + "0200040001000000" + "04000400ffffffff" + "10000400ffffffff" + "20000400ffffffff")] // ids descending
    [InlineData("02000000" + "01000600ffffffff" + "0200040001000000" + "0200040001000000" + "04000400ffffffff" + "10000400ffffffff" + "20000400ffffffff")] // id twice
    [InlineData("02000000" + "01000600ffffffff" + "01000600ffffffff" + "04000400ffffffff" + "20000400ffffffff")] // two owners
    [InlineData("02000000" + "01000600ffffffff" + "04000400ffffffff")] // no other
    public void MalformedValues_AreRefusedWithEinval(string hex)
    {
        using var session = new Session(_repo.RepoPath, "bad");
        var file = NewFile(session.Fs, "f");
        var e = Assert.Throws<FsException>(() => session.Fs.SetExtendedAttribute(file, ExtendedAttributes.AclAccess, Convert.FromHexString(hex), XattrSetMode.CreateOrReplace));
        Assert.Equal(FsError.InvalidArgument, e.Error);
        Assert.Empty(session.Fs.ListExtendedAttributes(file));
    }

    [Fact]
    public void DefaultAclOnAFile_IsRefusedWithEacces_AndRemovingItSucceeds()
    {
        using var session = new Session(_repo.RepoPath, "file-default");
        var file = NewFile(session.Fs, "f");
        var value = PosixAclXattr.FromText("u::rwx,g::r-x,o::---"u8)!;
        var e = Assert.Throws<FsException>(() => session.Fs.SetExtendedAttribute(file, ExtendedAttributes.AclDefault, value, XattrSetMode.CreateOrReplace));
        Assert.Equal(FsError.AccessDenied, e.Error);
        session.Fs.RemoveExtendedAttribute(file, ExtendedAttributes.AclDefault);
        session.Fs.RemoveExtendedAttribute(file, ExtendedAttributes.AclAccess);
    }

    [Fact]
    public void AnAclEqualToTheMode_OnlySetsTheMode_AndChmodRewritesTheMask()
    {
        using var session = new Session(_repo.RepoPath, "modes");
        var fs = session.Fs;
        var file = NewFile(fs, "f");
        fs.SetExtendedAttribute(file, ExtendedAttributes.AclAccess, PosixAclXattr.FromText("u::rwx,g::r-x,o::---"u8)!, XattrSetMode.CreateOrReplace);
        Assert.Equal(0x1E8u, fs.GetAttributes(file).Mode & 0xFFF); // 0750
        Assert.Empty(fs.ListExtendedAttributes(file));

        fs.SetExtendedAttribute(file, ExtendedAttributes.AclAccess, PosixAclXattr.FromText("u::rw-,u:7:rwx,g::r--,m::rwx,o::r--"u8)!, XattrSetMode.CreateOrReplace);
        Assert.Equal(0x1BCu, fs.GetAttributes(file).Mode & 0xFFF); // 0674: the mask is the group bits
        fs.SetAttributes(file, null, new AttributeChanges { Permissions = 0x1A0 }); // chmod 0640
        Assert.Equal(PosixAclXattr.FromText("u::rw-,u:7:rwx,g::r--,m::r--,o::---"u8), fs.GetExtendedAttribute(file, ExtendedAttributes.AclAccess));

        fs.SetExtendedAttribute(file, ExtendedAttributes.AclAccess, Convert.FromHexString("02000000"), XattrSetMode.CreateOrReplace); // no entries: removed
        Assert.Empty(fs.ListExtendedAttributes(file));
        Assert.Equal(0x1A0u, fs.GetAttributes(file).Mode & 0xFFF);
    }

    [Fact]
    public void AclsRecordedOnlyAsText_GetTheirRawValuesBesideNewXattrs()
    {
        var metadata = new BupMetadata
        {
            Mode = 0x41ED,
            Acl = new PosixAcl("u::rwx,g::r-x,o::r-x"u8.ToArray(), "u::rwx,g::r-x,o::r-x"u8.ToArray(),
                "u::rwx,u:daemon:rwx,g::r-x,m::rwx,o::r-x"u8.ToArray(), "u::rwx,u:1:rwx,g::r-x,m::rwx,o::r-x"u8.ToArray()),
        };
        StagedAcl.AddMissingRaw(metadata, NodeKind.Directory);
        var raw = Assert.Single(metadata.Xattrs); // the access ACL is only the mode: no value, as llistxattr shows
        Assert.Equal(ExtendedAttributes.AclDefault, raw.Name);
        Assert.Equal(PosixAclXattr.FromText("u::rwx,u:1:rwx,g::r-x,m::rwx,o::r-x"u8), raw.Value);
    }

    private string MakeSourceTree()
    {
        var source = _repo.Path("src");
        Directory.CreateDirectory(source);
        foreach (var (name, directory, setfacl) in Cases)
        {
            var path = Path.Join(source, name);
            if (directory)
            {
                Directory.CreateDirectory(path);
                Tool.Run("chmod", ["755", path]);
            }
            else
            {
                File.WriteAllBytes(path, []);
                Tool.Run("chmod", ["644", path]);
            }

            foreach (var arguments in setfacl)
            {
                Tool.Run("setfacl", [.. arguments, path]);
            }
        }

        return source;
    }

    private static ulong NewFile(StagingFileSystem fs, string name)
    {
        var created = fs.Create(fs.RootNode, Encoding.UTF8.GetBytes(name), 0x1A4, OpenFlags.Write, Root);
        fs.Release(created.Handle);
        return created.Attributes.Inode;
    }

    private static BupMetadata Record(RepoFileSystem view, string path) =>
        view.Nodes.Get(view.Resolve(Encoding.UTF8.GetBytes(path)).Inode).Metadata!;

    private static Dictionary<string, string> AclXattrs(BupMetadata metadata) =>
        metadata.Xattrs.Where(x => StagedAcl.IsAclName(x.Name)).ToDictionary(x => Encoding.UTF8.GetString(x.Name), x => Convert.ToHexString(x.Value));

    private sealed class Session : IDisposable
    {
        private readonly Repository _repository;
        private readonly StagingArea _area;

        public Session(string repoPath, string branch)
        {
            _repository = Repository.Open(repoPath);
            _area = StagingArea.Open(repoPath, branch);
            Fs = StagingFileSystem.Open(_repository, _area, null, new StagingOptions { UserNames = FixedUserNames.System });
        }

        public StagingFileSystem Fs { get; }

        public void Commit() =>
            new StagingCommitter(Fs, new WriterOptions { CompressionLevel = 1 }).Commit("acls\n"u8.ToArray(), null, false, false);

        public void Dispose()
        {
            Fs.Dispose();
            _area.Dispose();
            _repository.Dispose();
        }
    }
}
