namespace BupStore.Objects;

/// <summary>One entry of a git tree: mode, raw name bytes and the object id.</summary>
/// <param name="Mode">The entry's git mode.</param>
/// <param name="Name">The name as raw bytes (never decoded).</param>
/// <param name="Id">The id of the blob, tree or commit the entry names.</param>
public sealed record TreeEntry(GitFileMode Mode, byte[] Name, ObjectId Id)
{
    /// <summary>True when the entry names a tree (directory, chunked file, chunk subtree).</summary>
    public bool IsTree => Mode == GitFileMode.Tree;

    /// <summary>The name as text with invalid UTF-8 escaped, for messages only.</summary>
    public string DisplayName => NameText.Display(Name);
}
