using System.Text;
using BupBackup.Posix;
using BupStore.Formats;
using BupStore.Objects;

namespace BupBackup.Tests;

/// <summary>
/// Restores the fixture save twice — with real <c>bup restore</c> and with NodeCreator +
/// MetadataApplier driven by the decoded .bupm records — and compares the two trees node by node.
/// </summary>
public sealed class RestoreComparisonTests(BupSaveFixture fixture) : IClassFixture<BupSaveFixture>
{
    [Fact]
    public void OurRestoreMatchesBupRestore()
    {
        if (fixture.Skip is { } reason)
        {
            Assert.Skip(reason);
        }

        var bupOut = Path.Combine(fixture.Workspace.Path, "out-bup");
        var ourOut = Path.Combine(fixture.Workspace.Path, "out-ours");
        fixture.Bup("restore", "-q", "-C", bupOut, "/test/latest" + fixture.Source);
        Directory.CreateDirectory(ourOut);
        var warnings = new List<string>();
        new MiniRestore(fixture, warnings).RestoreDirectory(fixture.TreeOf(), Encoding.UTF8.GetBytes(ourOut + "/src"));
        Assert.Empty(warnings);

        var bupPaths = Relative(bupOut + "/src");
        Assert.Equal(bupPaths, Relative(ourOut + "/src"));
        Assert.True(bupPaths.Count > 20);
        foreach (var relative in bupPaths)
        {
            AssertSameNode(Join(bupOut + "/src", relative), Join(ourOut + "/src", relative));
        }
    }

    private static void AssertSameNode(byte[] theirs, byte[] ours)
    {
        var expected = MetadataReader.FromPath(theirs, normalized: false);
        var actual = MetadataReader.FromPath(ours, normalized: false);
        var message = Encoding.UTF8.GetString(ours);
        Assert.True(expected.Mode == actual.Mode, $"{message}: mode {expected} vs {actual}");
        Assert.True((expected.Uid, expected.Gid, expected.Rdev, expected.Size) == (actual.Uid, actual.Gid, actual.Rdev, actual.Size), $"{message}: {expected} vs {actual}");
        Assert.True(expected.Mtime == actual.Mtime, $"{message}: mtime {expected.Mtime} vs {actual.Mtime}");
        Assert.True(Equals(expected.Acl, actual.Acl), $"{message}: ACL {expected.Acl} vs {actual.Acl}");
        Assert.True(expected.Xattrs.SequenceEqual(actual.Xattrs), $"{message}: xattrs differ");
        Assert.True((expected.LinuxAttr ?? 0) == (actual.LinuxAttr ?? 0), $"{message}: attr {expected.LinuxAttr} vs {actual.LinuxAttr}");
        Assert.Equal(expected.SymlinkTarget ?? [], actual.SymlinkTarget ?? []);
        Assert.Equal(PosixFiles.LStat(theirs).LinkCount, PosixFiles.LStat(ours).LinkCount);
        if (expected.FileType is not (PosixFileType.Directory or PosixFileType.Symlink))
        {
            // Listing directories and reading links may move their atime; other nodes are untouched.
            Assert.True(expected.Atime == actual.Atime, $"{message}: atime {expected.Atime} vs {actual.Atime}");
        }

        if (expected.FileType == PosixFileType.Regular)
        {
            Assert.Equal(ReadAll(theirs), ReadAll(ours));
        }
    }

    // File.ReadAllBytes takes a string path, which cannot name a non-UTF-8 file.
    private static byte[] ReadAll(byte[] path)
    {
        var fd = PosixFiles.Open(path, 0, 0, "open");
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static List<byte[]> Relative(string root)
    {
        var output = ProcessRunner.Run("find", [root, "-mindepth", "1", "-printf", "%P\\0"]);
        var paths = new List<byte[]>();
        foreach (var range in output.AsSpan().Split((byte)0))
        {
            if (range.End.Value > range.Start.Value)
            {
                paths.Add(output[range]);
            }
        }

        paths.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return paths;
    }

    private static byte[] Join(string root, byte[] relative) => [.. Encoding.UTF8.GetBytes(root + "/"), .. relative];

    /// <summary>bup restore's walk (cmd/restore.py) reduced to what the metadata layer needs.</summary>
    private sealed class MiniRestore(BupSaveFixture fixture, List<string> warnings)
    {
        private readonly Dictionary<string, List<(byte[] Path, ObjectId Id, BupMetadata Metadata)>> _hardlinks = [];

        public void RestoreDirectory(string treeish, byte[] target)
        {
            var entries = fixture.Tree(treeish);
            var directory = BupmReader.Read(entries, fixture.Content(entries[BupmReader.IndexOfBupm(entries)]), treeish);
            var metadata = directory.ResolveDirectory();
            NodeCreator.Create(target, metadata);
            foreach (var item in directory.Items)
            {
                byte[] child = [.. target, (byte)'/', .. item.Name];
                if (item.IsDirectory)
                {
                    RestoreDirectory(item.Entry.Id.ToString(), child);
                }
                else
                {
                    RestoreFile(item, item.Resolve()!, child);
                }
            }

            warnings.AddRange(MetadataApplier.Apply(target, metadata, numericIds: false));
        }

        private void RestoreFile(BupmItem item, BupMetadata metadata, byte[] path)
        {
            if (metadata.HardlinkTarget is { Length: > 0 } key && TryLink(Convert.ToHexString(key), item.Entry.Id, metadata, path))
            {
                return;
            }

            using (var handle = NodeCreator.Create(path, metadata))
            {
                if (handle is not null)
                {
                    using var stream = new FileStream(handle, FileAccess.Write);
                    stream.Write(fixture.Content(item.Entry));
                }
            }

            warnings.AddRange(MetadataApplier.Apply(path, metadata, numericIds: false));
        }

        // Same test as restore.py hardlink_compatible: same object, times, mode and same_file.
        private bool TryLink(string key, ObjectId id, BupMetadata metadata, byte[] path)
        {
            if (!_hardlinks.TryGetValue(key, out var seen))
            {
                _hardlinks[key] = [(path, id, metadata)];
                return false;
            }

            foreach (var (previous, previousId, previousMetadata) in seen)
            {
                if (previousId == id && previousMetadata.Mode == metadata.Mode && previousMetadata.SameFile(metadata))
                {
                    NodeCreator.Link(previous, path);
                    return true;
                }
            }

            seen.Add((path, id, metadata));
            return false;
        }
    }
}
