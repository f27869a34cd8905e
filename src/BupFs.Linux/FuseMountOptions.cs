namespace BupFs.Linux;

/// <summary>How <see cref="FuseHost.Mount"/> mounts a filesystem.</summary>
public sealed record FuseMountOptions
{
    /// <summary>
    /// Mount read-only (<c>-o ro</c>): the kernel refuses writes before they reach us. Default true.
    /// Set false to serve writes from a filesystem that implements <see cref="IWritableFileSystem"/>
    /// (it is then mounted with <c>default_permissions</c> whatever <see cref="DefaultPermissions"/>
    /// says); any other filesystem answers every write with EROFS.
    /// </summary>
    public bool ReadOnly { get; init; } = true;

    /// <summary>
    /// Let other users see the mount (<c>-o allow_other</c>). Non-root users need
    /// <c>user_allow_other</c> in /etc/fuse.conf. Default false.
    /// </summary>
    public bool AllowOther { get; init; }

    /// <summary>
    /// Have fusermount3 watch the process and unmount if it dies (<c>-o auto_unmount</c>), so a
    /// crash never leaves a stale mount. Default true.
    /// </summary>
    public bool AutoUnmount { get; init; } = true;

    /// <summary>
    /// Let the kernel check permissions from the reported mode/uid/gid (<c>-o default_permissions</c>).
    /// Default true; essential with <see cref="AllowOther"/>, and always on for a writable mount.
    /// </summary>
    public bool DefaultPermissions { get; init; } = true;

    /// <summary>Trace every request and its result through <see cref="Log"/>.</summary>
    public bool Debug { get; init; }

    /// <summary>Extra <c>-o</c> options passed to libfuse as they are (e.g. "debug", "max_read=131072").</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];

    /// <summary>The mount's source name (<c>-o fsname</c>), shown by mount/df. Default "bupfs".</summary>
    public string FsName { get; init; } = "bupfs";

    /// <summary>The filesystem subtype (<c>-o subtype</c>): the fstype shows as "fuse.&lt;subtype&gt;". Default "bupfs".</summary>
    public string Subtype { get; init; } = "bupfs";

    /// <summary>Most libfuse worker threads serving requests at once. Default 10 (libfuse's own default).</summary>
    public int MaxThreads { get; init; } = 10;

    /// <summary>
    /// Readahead for the mount in KiB, written to the mount's bdi when running as root, so that
    /// streaming reads arrive as 1 MiB requests instead of 128 KiB ones. 0 keeps the kernel default.
    /// </summary>
    public int ReadAheadKiB { get; init; } = 1024;

    /// <summary>
    /// How long the kernel may cache attributes and names of nodes that are not immutable (views
    /// that follow refs), i.e. how soon a new save shows up. Default 1 s.
    /// </summary>
    public TimeSpan MutableCacheTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long Mount waits for the kernel's INIT before giving up. Default 15 s.</summary>
    public TimeSpan MountTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Receives one-line diagnostics: unexpected errors (each distinct message once) and, with
    /// <see cref="Debug"/>, the request trace. Default: standard error. Must not block for long.
    /// </summary>
    public Action<string>? Log { get; init; }
}
