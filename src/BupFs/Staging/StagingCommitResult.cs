using BupStore.Objects;

namespace BupFs.Staging;

/// <summary>What a commit wrote.</summary>
/// <param name="Commit">The new commit, now the branch's head.</param>
/// <param name="Tree">Its root tree.</param>
/// <param name="LeftOut">Paths of files that were open for writing and went in as last committed (or not at all when new).</param>
public sealed record StagingCommitResult(ObjectId Commit, ObjectId Tree, IReadOnlyList<string> LeftOut);
