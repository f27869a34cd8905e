// Deterministic inode numbers (docs/decisions/0002-inode-numbers.md).
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using BupStore.Objects;

namespace BupFs;

/// <summary>
/// Derives 64-bit inode numbers from what names a node, so the same path shows the same number in
/// every mount and every process (restic's inodeFromNode scheme). Each derivation uses its own
/// XxHash64 seed, so a plain entry, a save, a ref folder and a hardlink group can never be
/// confused even when their inputs coincide. 0, 1 (the root) and 0xFFFFFFFF (libfuse's
/// "unknown inode") are never produced.
/// </summary>
public static class InodeNumbers
{
    /// <summary>The root directory's number (FUSE_ROOT_ID).</summary>
    public const ulong Root = 1;

    /// <summary>libfuse's FUSE_UNKNOWN_INO, which hosts report for "..".</summary>
    public const ulong UnknownInode = 0xFFFFFFFF;

    private const long EntrySeed = 0x6275_7066_7345_6e74;     // "bupfsEnt"
    private const long VersionedSeed = 0x6275_7066_7356_6572; // "bupfsVer"
    private const long FolderSeed = 0x6275_7066_7346_6f6c;    // "bupfsFol"
    private const long HardlinkSeed = 0x6275_7066_7348_6c6b;  // "bupfsHlk"
    private const long PerturbSeed = 0x6275_7066_7350_7274;   // "bupfsPrt"
    private const int StackLimit = 512;

    /// <summary>The number of entry <paramref name="name"/> in directory <paramref name="parent"/>.</summary>
    public static ulong Derive(ulong parent, ReadOnlySpan<byte> name) => Hash(EntrySeed, parent, name, null);

    /// <summary>
    /// The number of a name whose meaning depends on the object behind it (a save named after its
    /// commit, a tag): when the name comes to mean another object, the number changes too, so
    /// caches that trust immutable nodes never mix the two.
    /// </summary>
    public static ulong Derive(ulong parent, ReadOnlySpan<byte> name, ObjectId version) => Hash(VersionedSeed, parent, name, version);

    /// <summary>The number of a folder that groups refs whose names contain '/' (e.g. "a" for "a/b").</summary>
    public static ulong DeriveFolder(ulong parent, ReadOnlySpan<byte> name) => Hash(FolderSeed, parent, name, null);

    /// <summary>The one number shared by every entry of save <paramref name="save"/> whose .bupm
    /// record names <paramref name="hardlinkTarget"/> as its hardlink target.</summary>
    public static ulong ForHardlink(ObjectId save, ReadOnlySpan<byte> hardlinkTarget) => Hash(HardlinkSeed, 0, hardlinkTarget, save);

    /// <summary>
    /// The <paramref name="attempt"/>-th replacement for <paramref name="candidate"/>, used when the
    /// candidate is reserved or already taken by another node. Deterministic, never reserved.
    /// </summary>
    public static ulong Perturb(ulong candidate, int attempt)
    {
        Span<byte> input = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(input, candidate);
        BinaryPrimitives.WriteInt32LittleEndian(input[8..], attempt);
        return Avoid(XxHash64.HashToUInt64(input, PerturbSeed));
    }

    /// <summary>True for numbers no derived node may carry.</summary>
    public static bool IsReserved(ulong inode) => inode is 0 or Root or UnknownInode;

    private static ulong Hash(long seed, ulong parent, ReadOnlySpan<byte> name, ObjectId? version)
    {
        var length = sizeof(ulong) + name.Length + (version is null ? 0 : ObjectId.Size);
        byte[]? rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> input = rented is null ? stackalloc byte[StackLimit] : rented;
        input = input[..length];
        BinaryPrimitives.WriteUInt64LittleEndian(input, parent);
        name.CopyTo(input[sizeof(ulong)..]);
        version?.WriteTo(input[(sizeof(ulong) + name.Length)..]);
        var result = XxHash64.HashToUInt64(input, seed);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Avoid(result);
    }

    // Reserved values are hit with probability 3/2^64; mapping them away keeps the result total.
    private static ulong Avoid(ulong inode) => IsReserved(inode) ? inode + 2 : inode;
}
