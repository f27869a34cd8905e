using BupStore.Objects;

namespace BupFs.Repo;

/// <summary>One save of a branch: its commit, author time and shown name.</summary>
/// <param name="Commit">The commit id.</param>
/// <param name="AuthorTime">The author time, seconds since the epoch.</param>
/// <param name="Name">The save name (with the duplicate suffix, if any).</param>
internal sealed record SaveListEntry(ObjectId Commit, long AuthorTime, byte[] Name);
