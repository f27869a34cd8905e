namespace BupFs;

/// <summary>What creating and opening a file in one step returns.</summary>
/// <param name="Attributes">The new file's attributes (its inode is its node id, one lookup taken).</param>
/// <param name="Handle">The open handle, released like any other.</param>
public sealed record CreatedFile(NodeAttributes Attributes, IFileHandle Handle);
