using System.Text;
using BupStore.Formats;
using BupStore.Objects;
using BupStore.Repository;
using BupStore.Tests.Support;
using Repo = BupStore.Repository.Repository;

namespace BupStore.Tests;

/// <summary>
/// The quarantine: a pack a read finds damaged is recorded in REPO/bupfs-quarantine; writers then
/// store its objects again, readers take the good copy, and an unwritable file only costs a warning.
/// </summary>
public sealed class PackQuarantineTests : IDisposable
{
    private static readonly byte[] Data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("quarantine me ", 400)));
    private static readonly ObjectId Id = ObjectHasher.Compute(ObjectType.Blob, Data);
    private readonly string _root = Directory.CreateTempSubdirectory("bupstore-quarantine-").FullName;
    private readonly Repo _repo;

    public PackQuarantineTests()
    {
        _repo = Repo.Init(Path.Combine(_root, "repo"));
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A pack whose one copy of <see cref="Id"/> has a wrong zlib checksum.</summary>
    private string WriteDamagedPack()
    {
        var zlib = ZlibStreams.Deflate(Data);
        zlib[^1] ^= 0xFF;
        return BlobPacks.Write(_repo.ObjectsDir, [(Id, Data.Length, zlib)]);
    }

    [Fact]
    public void A_corrupt_read_quarantines_the_pack_and_the_writer_stores_the_object_again()
    {
        var damaged = WriteDamagedPack();
        _repo.Objects.Refresh();
        Assert.True(_repo.Objects.ContainsInPacks(Id));

        Assert.Throws<CorruptObjectException>(() => _repo.Objects.Read(Id));
        Assert.Equal([Path.GetFileNameWithoutExtension(damaged)], PackQuarantine.Load(_repo.GitDir).Packs);
        Assert.False(_repo.Objects.ContainsInPacks(Id));

        using (var writer = _repo.CreateWriter())
        {
            writer.Write(ObjectType.Blob, Data);
            Assert.Equal(1, writer.ObjectsWritten);
            writer.Close();
        }

        // Both packs hold the id now; reads take the good copy whichever a lookup meets first.
        Assert.True(_repo.Objects.ContainsInPacks(Id));
        Assert.Equal(Data, _repo.Objects.Read(Id, ObjectType.Blob));
        var into = new byte[Data.Length];
        Assert.True(_repo.Objects.TryReadBlobInto(Id, into));
        Assert.Equal(Data, into);
    }

    [Fact]
    public void A_direct_blob_read_of_the_only_copy_throws_and_quarantines_then_declines_while_quarantined()
    {
        WriteDamagedPack();
        _repo.Objects.Refresh();
        Assert.Throws<CorruptObjectException>(() => _repo.Objects.TryReadBlobInto(Id, new byte[Data.Length]));
        Assert.Single(_repo.Objects.Quarantine.Packs);
        Assert.False(_repo.Objects.TryReadBlobInto(Id, new byte[Data.Length])); // the general path then reports the damage
    }

    [Fact]
    public void An_unwritable_quarantine_file_is_a_warning_and_still_applies_in_memory()
    {
        Directory.CreateDirectory(PackQuarantine.PathOf(_repo.GitDir)); // a folder where the file should go: no write can succeed
        WriteDamagedPack();
        _repo.Objects.Refresh();
        Assert.Throws<CorruptObjectException>(() => _repo.Objects.Read(Id));
        Assert.False(_repo.Objects.ContainsInPacks(Id));
        Assert.True(PackQuarantine.Load(_repo.GitDir).IsEmpty);
    }

    [Fact]
    public void The_file_round_trips_and_malformed_lines_are_skipped()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var q = new PackQuarantine([
            new QuarantineEntry(QuarantineEntry.PackKind, "pack-" + new string('a', 40), time, "bad\tzlib\ndata"),
            new QuarantineEntry(QuarantineEntry.LostKind, Id.ToString(), time, "lost by fsck --repair"),
        ]);
        File.WriteAllText(PackQuarantine.PathOf(_repo.GitDir), q.Format() + "garbage line\npack\tx\tnot-a-time\tr\n");

        var back = PackQuarantine.Load(_repo.GitDir);
        Assert.Equal([q.Entries[0] with { Reason = "bad zlib data" }, q.Entries[1]], back.Entries);
        Assert.True(back.Contains(Path.Combine(_repo.PackDir, "pack-" + new string('a', 40) + ".pack")));
        Assert.Equal([Id], back.LostIds);
        Assert.StartsWith("# bupfs-quarantine v1", back.Format(), StringComparison.Ordinal);
    }
}
