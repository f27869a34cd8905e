// Packs a directory listing into a readdir/readdirplus reply buffer. Offsets are listing
// indexes: 0 is ".", 1 is "..", 2 + i is entry i; each entry carries the offset of the next.
using BupFs.Linux.Interop;

namespace BupFs.Linux;

/// <summary>Fills readdir and readdirplus reply buffers.</summary>
internal static unsafe class DirectoryEncoder
{
    /// <summary>FUSE_NAME_MAX: the kernel rejects a whole reply that holds a longer name (EIO).</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>libfuse's FUSE_UNKNOWN_INO, reported for "..": the host does not track parents.</summary>
    private const ulong UnknownInode = 0xFFFFFFFF;

    /// <summary>
    /// Adds entries from <paramref name="offset"/> on until the buffer is full; returns the bytes
    /// used. With <paramref name="plus"/> the reply is a readdirplus one: each entry that fits is
    /// looked up through <paramref name="plus"/>, which counts the kernel's reference (not for "."
    /// and ".."); without it, a plain readdir reply.
    /// </summary>
    public static nuint Fill(
        nint request, byte* buffer, nuint size, long offset, DirectoryHandle directory,
        IReadOnlyList<DirectoryEntry> entries, CachePolicy policy, PlusLookups? plus, ulong rootNode)
    {
        byte* name = stackalloc byte[MaxNameBytes + 1];
        nuint used = 0;
        for (long index = Math.Max(offset, 0); index < entries.Count + 2L; index++)
        {
            int nameLength = CopyName(index, entries, name);
            if (nameLength < 0)
            {
                continue; // a name the kernel cannot take; lookups of it fail the same way
            }

            nuint needed = plus is not null
                ? AddPlus(request, buffer + used, size - used, name, nameLength, index, directory, entries, policy, plus, rootNode)
                : AddPlain(request, buffer + used, size - used, name, index, directory, entries, rootNode);
            if (needed > size - used)
            {
                break;
            }

            used += needed;
        }

        return used;
    }

    private static nuint AddPlain(
        nint request, byte* buffer, nuint room, byte* name, long index, DirectoryHandle directory,
        IReadOnlyList<DirectoryEntry> entries, ulong rootNode)
    {
        // Plain readdir only uses st_ino and the type bits of st_mode.
        Stat stat = default;
        if (index < 2)
        {
            stat.Inode = DotInode(index, directory, rootNode);
            stat.Mode = AttributeEncoder.TypeBits(NodeKind.Directory);
        }
        else
        {
            NodeAttributes attributes = entries[(int)(index - 2)].Attributes;
            stat.Inode = attributes.Inode;
            stat.Mode = AttributeEncoder.TypeBits(attributes.Kind);
        }

        return LibFuse.AddDirEntry(request, buffer, room, name, &stat, index + 1);
    }

    private static nuint AddPlus(
        nint request, byte* buffer, nuint room, byte* name, int nameLength, long index, DirectoryHandle directory,
        IReadOnlyList<DirectoryEntry> entries, CachePolicy policy, PlusLookups plus, ulong rootNode)
    {
        // Ask for the size first (libfuse answers it for a null buffer): a reference may only be
        // taken for an entry that really goes into this reply.
        nuint needed = LibFuse.AddDirEntryPlus(request, null, 0, name, null, index + 1);
        if (needed > room)
        {
            return needed;
        }

        FuseEntryParam entry = default;
        if (index < 2)
        {
            // Node id 0: "no entry to link", so "." and ".." take no lookup reference.
            entry.Attributes.Inode = DotInode(index, directory, rootNode);
            entry.Attributes.Mode = AttributeEncoder.TypeBits(NodeKind.Directory);
        }
        else if (plus.TryTake(directory.Node, new ReadOnlySpan<byte>(name, nameLength), out NodeAttributes attributes))
        {
            AttributeEncoder.Encode(attributes, policy, out entry);
        }
        else
        {
            // Listed but not found now: a plain entry (node id 0) with the listing's inode and type.
            NodeAttributes listed = entries[(int)(index - 2)].Attributes;
            entry.Attributes.Inode = listed.Inode;
            entry.Attributes.Mode = AttributeEncoder.TypeBits(listed.Kind);
        }

        return LibFuse.AddDirEntryPlus(request, buffer, room, name, &entry, index + 1);
    }

    private static ulong DotInode(long index, DirectoryHandle directory, ulong rootNode) =>
        index == 0 ? directory.Node : directory.Node == rootNode ? rootNode : UnknownInode;

    /// <summary>Copies the NUL-terminated name of entry <paramref name="index"/>; -1 if it cannot be sent.</summary>
    private static int CopyName(long index, IReadOnlyList<DirectoryEntry> entries, byte* target)
    {
        ReadOnlySpan<byte> name = index switch
        {
            0 => "."u8,
            1 => ".."u8,
            _ => entries[(int)(index - 2)].Name,
        };
        if (index >= 2 && !IsValidName(name))
        {
            return -1;
        }

        name.CopyTo(new Span<byte>(target, MaxNameBytes));
        target[name.Length] = 0;
        return name.Length;
    }

    /// <summary>True for a name the kernel accepts in a listing (not ".", "..", no '/' or NUL).</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= MaxNameBytes
        && !name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8)
        && name.IndexOfAny((byte)'/', (byte)0) < 0;
}
