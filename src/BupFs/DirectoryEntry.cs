namespace BupFs;

/// <summary>One entry of a directory listing: its name as raw bytes and its attributes.</summary>
/// <param name="Name">The entry name, arbitrary bytes except '/' and NUL.</param>
/// <param name="Attributes">The entry's attributes, inode number included.</param>
public sealed record DirectoryEntry(byte[] Name, NodeAttributes Attributes);
