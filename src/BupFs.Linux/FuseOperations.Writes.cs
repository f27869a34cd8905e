// The write half of the managed request handlers: FUSE's write requests in IWritableFileSystem
// terms. Only a writable mount's operation table reaches these (FuseCallbacks.Writes.cs); on a
// read-only mount the refusals in FuseCallbacks.Refusals.cs answer EROFS without coming here.
// Attributes the filesystem returns go straight back to the kernel, so it never needs a getattr
// after a change (docs/fuse-interop.md, "The write side").
//
// Concurrency: as the read half, many libfuse workers at once; no state of our own.
using BupFs.Linux.Interop;

namespace BupFs.Linux;

internal sealed unsafe partial class FuseOperations
{
    private const uint PermissionBits = 0xFFF; // 07777
    private const int XattrCreate = 1, XattrReplace = 2;
    private const uint RenameNoReplace = 1, RenameExchange = 2;

    /// <summary>The filesystem's write half; only called through the writable table, which exists only then.</summary>
    private IWritableFileSystem WritableFileSystem =>
        Writable ?? throw new FsException(FsError.ReadOnly, "the mount is read-only");

    /// <summary>
    /// Who creates a node. The kernel has already applied the umask to the mode unless we asked
    /// for FUSE_CAP_DONT_MASK (we never do, see OnInit), so the filesystem must not apply it again.
    /// </summary>
    public FsCaller CallerOf(in FuseContext context) =>
        new(context.Uid, context.Gid, _kernelAppliesUmask ? 0 : context.Umask & 0x1FF, context.Pid);

    /// <summary>setattr: the FUSE_SET_ATTR_* bits of <paramref name="toSet"/> in one <see cref="AttributeChanges"/>.</summary>
    public double SetAttributes(ulong node, Stat* attributes, int toSet, FuseFileInfo* info, out Stat stat)
    {
        IFileHandle? handle = info is null ? null : Files.Get(info->Handle);
        NodeAttributes result = WritableFileSystem.SetAttributes(node, handle, AttributeChangesOf(attributes, toSet));
        AttributeEncoder.Encode(result, out stat);
        return Policy.TimeoutFor(result);
    }

    /// <summary>Decodes setattr's bit mask (fuse_lowlevel.h FUSE_SET_ATTR_*); bits we do not know are ignored.</summary>
    public static AttributeChanges AttributeChangesOf(Stat* attributes, int toSet)
    {
        const int mode = 1 << 0, uid = 1 << 1, gid = 1 << 2, size = 1 << 3, atime = 1 << 4, mtime = 1 << 5;
        const int atimeNow = 1 << 7, mtimeNow = 1 << 8;
        if ((toSet & size) != 0 && attributes->Size < 0)
        {
            throw new FsException(FsError.InvalidArgument, $"negative size {attributes->Size}");
        }

        return new AttributeChanges
        {
            Permissions = (toSet & mode) != 0 ? attributes->Mode & PermissionBits : null,
            Uid = (toSet & uid) != 0 ? attributes->Uid : null,
            Gid = (toSet & gid) != 0 ? attributes->Gid : null,
            Size = (toSet & size) != 0 ? attributes->Size : null,
            AccessTime = TimeChangeOf(toSet, atime, atimeNow, attributes->AccessTime),
            ModifyTime = TimeChangeOf(toSet, mtime, mtimeNow, attributes->ModifyTime),
        };
    }

    public void MakeNode(ulong parent, ReadOnlySpan<byte> name, uint mode, ulong device, in FsCaller caller, out FuseEntryParam entry)
    {
        NodeAttributes attributes;
        if (KindOf(mode) == NodeKind.File)
        {
            // mknod(S_IFREG) normally arrives as create; should it come as mknod, create and close.
            CreatedFile created = WritableFileSystem.Create(parent, name, mode & PermissionBits, OpenFlags.Read, caller);
            FileSystem.Release(created.Handle);
            attributes = created.Attributes;
        }
        else
        {
            attributes = WritableFileSystem.MakeNode(parent, name, KindOf(mode), mode & PermissionBits, device, caller);
        }

        EncodeNew(attributes, out entry);
    }

    public void MakeDirectory(ulong parent, ReadOnlySpan<byte> name, uint mode, in FsCaller caller, out FuseEntryParam entry) =>
        EncodeNew(WritableFileSystem.MakeDirectory(parent, name, mode & PermissionBits, caller), out entry);

    public void MakeSymlink(ReadOnlySpan<byte> target, ulong parent, ReadOnlySpan<byte> name, in FsCaller caller, out FuseEntryParam entry) =>
        EncodeNew(WritableFileSystem.MakeSymlink(parent, name, target, caller), out entry);

    public void Link(ulong node, ulong newParent, ReadOnlySpan<byte> newName, out FuseEntryParam entry) =>
        EncodeNew(WritableFileSystem.Link(node, newParent, newName), out entry);

    public void Unlink(ulong parent, ReadOnlySpan<byte> name) => WritableFileSystem.Unlink(parent, name);

    public void RemoveDirectory(ulong parent, ReadOnlySpan<byte> name) => WritableFileSystem.RemoveDirectory(parent, name);

    /// <summary>rename/renameat2: NOREPLACE and EXCHANGE pass through, anything else (WHITEOUT) is EINVAL.</summary>
    public void Rename(ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags)
    {
        if ((flags & ~(RenameNoReplace | RenameExchange)) != 0 || flags == (RenameNoReplace | RenameExchange))
        {
            throw new FsException(FsError.InvalidArgument, $"rename flags 0x{flags:x}");
        }

        WritableFileSystem.Rename(parent, name, newParent, newName, (RenameFlags)flags);
    }

    /// <summary>Creates and opens a file; fills the entry and the open reply's fh and cache bits.</summary>
    public void Create(ulong parent, ReadOnlySpan<byte> name, uint mode, FuseFileInfo* info, in FsCaller caller, out FuseEntryParam entry)
    {
        OpenFlags flags = OpenFlagsOf(info->Flags);
        CreatedFile created = WritableFileSystem.Create(parent, name, mode & PermissionBits, flags, caller);
        try
        {
            EncodeNew(created.Attributes, out entry);
        }
        catch (Exception)
        {
            FileSystem.Release(created.Handle);
            FileSystem.Forget(created.Attributes.Inode, 1);
            throw;
        }

        SetOpenReply(created.Handle, flags, info);
    }

    /// <summary>Undoes a create whose reply the kernel did not take: the handle and the lookup it counted.</summary>
    public void AbandonCreate(ulong handle, ulong node)
    {
        FileSystem.Release(Files.Remove(handle));
        FileSystem.Forget(node, 1);
    }

    /// <summary>Writes the whole request or fails: the kernel takes a short count as an error (EIO to the writer).</summary>
    public int Write(ulong handle, ReadOnlySpan<byte> data, long offset)
    {
        if (offset < 0)
        {
            throw new FsException(FsError.InvalidArgument, $"negative write offset {offset}");
        }

        int count = WritableFileSystem.Write(Files.Get(handle), data, offset);
        if ((uint)count > (uint)data.Length)
        {
            throw new InvalidOperationException($"IWritableFileSystem.Write returned {count} for {data.Length} bytes");
        }

        return count;
    }

    public void Flush(ulong handle) => WritableFileSystem.Flush(Files.Get(handle));

    public void Sync(ulong node, ulong handle, bool dataOnly) =>
        WritableFileSystem.Sync(node, Files.Get(handle), dataOnly);

    /// <summary>fsyncdir: the fh is a directory handle, which the filesystem never sees.</summary>
    public void SyncDirectory(ulong node, bool dataOnly) => WritableFileSystem.Sync(node, null, dataOnly);

    public void SetExtendedAttribute(ulong node, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags)
    {
        XattrSetMode mode = flags switch
        {
            0 => XattrSetMode.CreateOrReplace,
            XattrCreate => XattrSetMode.CreateOnly,
            XattrReplace => XattrSetMode.ReplaceOnly,
            _ => throw new FsException(FsError.InvalidArgument, $"setxattr flags 0x{flags:x}"),
        };
        WritableFileSystem.SetExtendedAttribute(node, name, value, mode);
    }

    public void RemoveExtendedAttribute(ulong node, ReadOnlySpan<byte> name) =>
        WritableFileSystem.RemoveExtendedAttribute(node, name);

    /// <summary>
    /// fallocate mode 0 only: the contract has no notion of reserved space, so allocating means
    /// growing the file to offset + length when it is shorter. KEEP_SIZE, PUNCH_HOLE and the
    /// other modes are EOPNOTSUPP (after which glibc's posix_fallocate writes zeros itself).
    /// </summary>
    public void Allocate(ulong node, ulong handle, int mode, long offset, long length)
    {
        if (mode != 0)
        {
            throw new FsException(FsError.NotSupported, $"fallocate mode 0x{mode:x}");
        }

        if (offset < 0 || length <= 0)
        {
            throw new FsException(FsError.InvalidArgument, $"fallocate offset {offset} length {length}");
        }

        long end = offset > long.MaxValue - length ? throw new FsException(FsError.FileTooLarge) : offset + length;
        IFileHandle file = Files.Get(handle);
        if (end > FileSystem.GetAttributes(node).Size)
        {
            WritableFileSystem.SetAttributes(node, file, new AttributeChanges { Size = end });
        }
    }

    private void EncodeNew(in NodeAttributes attributes, out FuseEntryParam entry)
    {
        CheckNodeId(attributes.Inode);
        AttributeEncoder.Encode(attributes, Policy, out entry);
    }

    private static TimeChange? TimeChangeOf(int toSet, int setBit, int nowBit, Timespec value)
    {
        if ((toSet & nowBit) != 0)
        {
            return new TimeChange(true, default);
        }

        if ((toSet & setBit) == 0)
        {
            return null;
        }

        if ((ulong)value.Nanoseconds > 999_999_999)
        {
            throw new FsException(FsError.InvalidArgument, $"tv_nsec {value.Nanoseconds}");
        }

        return new TimeChange(false, new FsTime(value.Seconds, (uint)value.Nanoseconds));
    }

    /// <summary>The node kind named by a mode's S_IFMT bits (mknod); EINVAL for a type mknod cannot make.</summary>
    private static NodeKind KindOf(uint mode) => (mode & 0xF000) switch
    {
        0x1000 => NodeKind.Fifo,
        0x2000 => NodeKind.CharDevice,
        0x6000 => NodeKind.BlockDevice,
        0x8000 or 0 => NodeKind.File,
        0xC000 => NodeKind.Socket,
        _ => throw new FsException(FsError.InvalidArgument, $"mknod of mode 0{Convert.ToString(mode, 8)}"),
    };
}
