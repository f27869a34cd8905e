namespace BupBackup.Index;

/// <summary>
/// bup index --fake-valid / --fake-invalid: what an update does to the validity of every record at
/// or below the paths it walks, without reading any file content.
/// </summary>
public enum FakeValidity
{
    /// <summary>Validity follows the filesystem (the normal update).</summary>
    None,

    /// <summary>Every record counts as saved: a save reuses what the index names and reads nothing
    /// for it. A record that names no object gets a placeholder id no repository holds, so a save
    /// still reads it (as bup does with its fake id).</summary>
    Valid,

    /// <summary>Every record counts as changed: the next save reads it again.</summary>
    Invalid,
}
