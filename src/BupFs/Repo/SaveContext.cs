using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>
/// The save (or tagged tree) a node belongs to: hardlink groups are counted per save, and their
/// inode numbers derive from <see cref="Key"/>.
/// </summary>
/// <param name="Key">The commit id of a save or tagged commit; the tree id of a tagged tree.</param>
/// <param name="RootTree">The save's root tree.</param>
/// <param name="Label">Which save, for messages: "branch main, save 2023-11-14-221320" or "tag v1".</param>
internal sealed record SaveContext(ObjectId Key, ObjectId RootTree, string Label);
