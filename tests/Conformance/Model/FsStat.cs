using BupFs;

namespace Conformance.Model;

/// <summary>What lstat(2) tells, in the neutral terms both drivers can give.</summary>
/// <param name="Kind">The node's type.</param>
/// <param name="Permissions">The permission bits (07777).</param>
/// <param name="Size">Bytes (a symlink: its target's length).</param>
/// <param name="Links">The hard link count.</param>
/// <param name="Inode">The inode number (the node id on the direct driver).</param>
/// <param name="Uid">The owner.</param>
/// <param name="Gid">The group.</param>
/// <param name="AccessTime">atime.</param>
/// <param name="ModifyTime">mtime.</param>
public sealed record FsStat(NodeKind Kind, uint Permissions, long Size, uint Links, ulong Inode, uint Uid, uint Gid, FsTime AccessTime, FsTime ModifyTime);
