namespace Conformance;

/// <summary>Linux's expectations: the FUSE host in src/BupFs.Linux under the Linux VFS.</summary>
public sealed partial record Expectations
{
    /// <summary>Real system calls on a `bupfs mount` FUSE mount.</summary>
    public static Expectations LinuxMount => new("linux-mount", new Dictionary<string, string>())
    {
        UserXattrOnSymlink = BupFs.FsError.NotPermitted,
    };
}
