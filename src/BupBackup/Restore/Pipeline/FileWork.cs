namespace BupBackup.Restore.Pipeline;

/// <summary>One regular file passing through the <see cref="ContentPipeline"/>: what to restore, where its content arrives, and the directory waiting for it.</summary>
/// <param name="Item">The file (its <see cref="RestoreItem.ObjectId"/> names the content).</param>
/// <param name="Parent">The directory holding a hold for this file, released once it is written.</param>
/// <param name="Content">The file's content, filled by the reading stage.</param>
internal sealed record FileWork(RestoreItem Item, PendingDirectory Parent, ContentChannel Content);
