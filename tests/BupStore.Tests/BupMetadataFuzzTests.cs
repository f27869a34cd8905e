using BupStore.Formats;
using BupStore.Objects;

namespace BupStore.Tests;

/// <summary>
/// Randomized decoding of damaged and random bytes: the only outcomes allowed are a result or
/// <see cref="CorruptObjectException"/>; anything decoded must survive a re-encode unchanged.
/// </summary>
public sealed class BupMetadataFuzzTests
{
    [Fact]
    public void RandomMetadataRoundTrips()
    {
        var random = new Random(42);
        for (var i = 0; i < 3000; i++)
        {
            var metadata = RandomMetadata(random);
            var encoded = metadata.Encode(includePath: true);
            var decoded = BupMetadata.Decode(encoded, "t");
            var expected = Normalized(metadata);
            Assert.Equal(expected, decoded);
            Assert.Equal(expected?.Encode(includePath: true) ?? [0], decoded?.Encode(includePath: true) ?? [0]);
        }
    }

    [Fact]
    public void EveryStrictPrefixOfAnObjectIsCorrupt()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var encoded = RandomMetadata(random).Encode(includePath: true);
            for (var length = 0; length < encoded.Length; length++)
            {
                var prefix = encoded[..length];
                Assert.Throws<CorruptObjectException>(() => BupMetadata.Decode(prefix, "t"));
            }
        }
    }

    [Fact]
    public void MutatedBupmContentOnlyFailsWithCorruptObject()
    {
        var random = new Random(99);
        var seeds = Enumerable.Range(0, 20)
            .Select(_ => Bupm.Build(RandomMetadata(random), [.. Enumerable.Range(0, 4).Select(n => (new[] { (byte)n }, (BupMetadata?)RandomMetadata(random)))]))
            .ToArray();
        for (var i = 0; i < 40000; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            CheckDecoder(input);
        }
    }

    [Fact]
    public void RandomBytesOnlyFailWithCorruptObject()
    {
        var random = new Random(2024);
        for (var i = 0; i < 40000; i++)
        {
            var input = new byte[random.Next(0, 48)];
            random.NextBytes(input);
            // Bias toward small tags so that records are actually reached.
            for (var j = 0; j < input.Length; j += random.Next(1, 6))
            {
                input[j] = (byte)random.Next(0, 12);
            }

            CheckDecoder(input);
        }
    }

    private static void CheckDecoder(byte[] input)
    {
        List<BupMetadata?> objects;
        try
        {
            objects = Bupm.ReadAll(input, "fuzz");
            _ = BupmReader.Read([new TreeEntry(GitFileMode.Regular, ".bupm"u8.ToArray(), ObjectId.EmptyBlob)], input, "fuzz");
        }
        catch (CorruptObjectException e)
        {
            Assert.Equal("fuzz", e.Where);
            Assert.InRange(e.Offset, 0, input.Length);
            return;
        }

        foreach (var metadata in objects.OfType<BupMetadata>())
        {
            byte[] again;
            try
            {
                again = metadata.Encode(includePath: true);
            }
            catch (ArgumentOutOfRangeException)
            {
                continue; // decoded numbers too large for bup to re-encode are readable but never written
            }

            // Encoding is idempotent through a decode (fields without a record come back as defaults).
            Assert.Equal(again, BupMetadata.Decode(again, "again")?.Encode(includePath: true) ?? [0]);
        }
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = seed.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.Insert(at, (byte)random.Next(256)); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }

    // What decoding yields for an encoding of `metadata`: bup drops the numeric default ACL text
    // when the named one is empty, and the symlink target's length becomes the size if there is none.
    private static BupMetadata? Normalized(BupMetadata metadata)
    {
        var copy = metadata.Clone();
        if (copy.Acl is { HasDefault: false, DefaultNumeric.Length: > 0 } acl)
        {
            copy.Acl = new PosixAcl(acl.Access, acl.AccessNumeric);
        }

        if (copy.Mode == 0)
        {
            // No common record is written, so none of its fields come back.
            var blank = new BupMetadata();
            (copy.Uid, copy.Gid, copy.User, copy.Group, copy.Rdev) = (blank.Uid, blank.Gid, blank.User, blank.Group, blank.Rdev);
            (copy.Atime, copy.Mtime, copy.Ctime, copy.Size) = (blank.Atime, blank.Mtime, blank.Ctime, blank.Size);
        }

        if (copy.SymlinkTarget is { Length: > 0 } target && copy.Size is null)
        {
            copy.Size = target.Length;
        }

        return copy.Encode(includePath: true) is [0] ? null : copy;
    }

    internal static BupMetadata RandomMetadata(Random random)
    {
        var metadata = new BupMetadata
        {
            Path = random.Next(4) == 0 ? Bytes(random, 12) : null,
            Mode = random.Next(8) == 0 ? 0 : (uint)random.NextInt64(1, uint.MaxValue),
            Uid = Number(random),
            Gid = Number(random),
            User = Bytes(random, 8),
            Group = Bytes(random, 8),
            Rdev = Number(random),
            Atime = Time(random),
            Mtime = Time(random),
            Ctime = Time(random),
            Size = random.Next(3) == 0 ? null : Math.Abs(Number(random)),
            HardlinkTarget = random.Next(3) == 0 ? Bytes(random, 30) : null,
            LinuxAttr = random.Next(3) == 0 ? (uint)random.NextInt64(0, uint.MaxValue) : null,
            Xattrs = [.. Enumerable.Range(0, random.Next(3)).Select(_ => new ExtendedAttribute(Bytes(random, 10), Bytes(random, 40)))],
        };
        if (random.Next(3) == 0)
        {
            metadata.SymlinkTarget = Bytes(random, 20);
            metadata.Size = metadata.SymlinkTarget.Length == 0 ? metadata.Size : metadata.SymlinkTarget.Length;
        }

        if (random.Next(3) == 0)
        {
            metadata.Acl = new PosixAcl(Bytes(random, 30), Bytes(random, 30), Bytes(random, 30), Bytes(random, 30));
        }

        return metadata;
    }

    private static long Number(Random random)
    {
        var bits = random.Next(0, 56);
        var magnitude = bits == 0 ? 0 : random.NextInt64() & ((1L << bits) - 1);
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }

    private static BupTimespec Time(Random random) =>
        new(Number(random) >> 8, (uint)random.Next(0, (int)BupTimespec.NanosecondsPerSecond));

    private static byte[] Bytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
