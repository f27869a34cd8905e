namespace BupStore.Objects;

/// <summary>A parsed git commit.</summary>
/// <param name="Tree">The root tree.</param>
/// <param name="Parents">Parent commits, in order (bup writes at most one).</param>
/// <param name="Author">The author; bup names saves after the author time.</param>
/// <param name="Committer">The committer.</param>
/// <param name="Message">The message bytes after the blank line.</param>
public sealed record Commit(ObjectId Tree, IReadOnlyList<ObjectId> Parents, Signature Author, Signature Committer, byte[] Message);
