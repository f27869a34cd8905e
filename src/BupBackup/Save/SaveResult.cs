using BupStore.Objects;

namespace BupBackup.Save;

/// <summary>The outcome of a save: the root tree to commit and what it took.</summary>
/// <param name="Tree">The root tree of the save.</param>
/// <param name="Statistics">Bytes read, files reused, warnings.</param>
public sealed record SaveResult(ObjectId Tree, SaveStatistics Statistics);
