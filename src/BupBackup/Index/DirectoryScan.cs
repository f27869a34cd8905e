namespace BupBackup.Index;

/// <summary>
/// One directory listed and lstat'ed: the entries an index walk keeps, in index order, and the
/// problems met, in the order a one-at-a-time walk would have met them.
/// </summary>
/// <param name="Children">The entries left after exclusions, sorted as git sorts tree entries.</param>
/// <param name="Warnings">Messages for entries or a directory that could not be read.</param>
internal sealed record DirectoryScan(ScannedChild[] Children, List<string> Warnings);
