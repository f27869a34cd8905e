namespace BupBackup.Index;

/// <summary>The counts at the end of a bupfs-index file.</summary>
/// <param name="RecordsEnd">File offset just past the last record (where the hardlink entries start).</param>
/// <param name="RecordCount">Number of records.</param>
/// <param name="LinkCount">Number of hardlink-group entries.</param>
internal readonly record struct IndexFooter(long RecordsEnd, long RecordCount, long LinkCount);
