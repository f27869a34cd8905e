using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>The stored form of a spool file's content, split at a content generation.</summary>
internal sealed record SplitContent(ulong Inode, long Generation, GitFileMode Mode, ObjectId Id, long Size);
