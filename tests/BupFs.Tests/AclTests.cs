using BupFs.Repo;
using BupFs.Tests.Support;
using BupStore.Formats;

namespace BupFs.Tests;

/// <summary>
/// POSIX ACLs: bup records them as text (tag 11) and, from llistxattr, as raw values (tag 7). The
/// text conversion is checked against the kernel's own values of the same files.
/// </summary>
[Collection(SavedTreeCollection.Name)]
public sealed class AclTests(SavedTree tree)
{
    [Fact]
    public void AclTextConvertsToTheKernelsXattrValue()
    {
        if (Tool.Require("setfacl", "acl") is { } reason)
        {
            Assert.Skip(reason);
        }

        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        foreach (var name in new[] { "acl.txt", "acldir" })
        {
            var source = tree.Entries.Single(e => e.Display == name);
            var acl = fs.Nodes.Get(fs.Resolve(tree.SavePath(name)).Inode).Metadata!.Acl!;
            Assert.Equal(Xattr(source, "system.posix_acl_access"), PosixAclXattr.FromText(acl.AccessNumeric));
            if (source.Kind == NodeKind.Directory)
            {
                Assert.Equal(Xattr(source, "system.posix_acl_default"), PosixAclXattr.FromText(acl.DefaultNumeric));
            }
        }
    }

    [Fact]
    public void AclsRecordedOnlyAsTextAreStillExposed()
    {
        var (repository, fs) = tree.Open();
        using var _ = repository;
        using var __ = fs;
        var source = tree.Entries.Single(e => e.Display == "acldir");
        var recorded = fs.Nodes.Get(fs.Resolve(tree.SavePath("acldir")).Inode).Metadata!.Clone();
        recorded.Xattrs = [];
        var derived = ExtendedAttributes.Of(recorded, NodeKind.Directory);
        Assert.Equal(["system.posix_acl_access", "system.posix_acl_default"], derived.Select(x => x.Name.Text()));
        Assert.Equal(Xattr(source, "system.posix_acl_access"), derived[0].Value);
        Assert.Equal(Xattr(source, "system.posix_acl_default"), derived[1].Value);
        Assert.Single(ExtendedAttributes.Of(recorded, NodeKind.File)); // files have no default ACL
    }

    [Theory]
    [InlineData("user::rw-,group::r--,other::r--", "02000000" + "01000600ffffffff" + "04000400ffffffff" + "20000400ffffffff")]
    [InlineData("o::---,u::rwx,g:7:r-x,m::r-x,g::r,u:9:x", "02000000" + "01000700ffffffff" + "0200010009000000" + "04000400ffffffff" + "0800050007000000" + "10000500ffffffff" + "20000000ffffffff")]
    public void TextOrderAndLongTagWordsDoNotMatter(string text, string hex) =>
        Assert.Equal(Convert.FromHexString(hex), PosixAclXattr.FromText(text.Bytes()));

    [Theory]
    [InlineData("")]
    [InlineData("u::rwz")]
    [InlineData("x::r--")]
    [InlineData("u:alice:r--")]
    [InlineData("m:5:r--")]
    [InlineData("u:99999999999:r--")]
    [InlineData("u::r--:extra")]
    public void UnparsableTextYieldsNoValue(string text) => Assert.Null(PosixAclXattr.FromText(text.Bytes()));

    private static byte[] Xattr(SourceEntry entry, string name) =>
        entry.Xattrs.Single(x => x.Name.Text() == name).Value;
}
