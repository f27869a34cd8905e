using BupBackup.Index;

namespace BupBackup.Save;

/// <summary>One step for the tree builder.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Record">The index record.</param>
/// <param name="Job">The reading job whose result is needed, if any.</param>
internal sealed record SaveEvent(SaveEventKind Kind, IndexRecord Record, SaveJob? Job = null);
