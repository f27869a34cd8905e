namespace BupStore.Objects;

/// <summary>An object's final type and its content (deltas already resolved).</summary>
/// <param name="Type">Commit, tree, blob or tag.</param>
/// <param name="Data">The content, without the "type size\0" header.</param>
public sealed record GitObject(ObjectType Type, byte[] Data);
