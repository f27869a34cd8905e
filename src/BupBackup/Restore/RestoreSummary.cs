namespace BupBackup.Restore;

/// <summary>What a restore did.</summary>
/// <param name="Restored">Entries restored (directories included), as bup's "Restoring: N" counts them.</param>
/// <param name="Errors">Errors reported through <see cref="RestoreOptions.Error"/>; non-zero means the exit status is 1.</param>
public sealed record RestoreSummary(long Restored, int Errors);
