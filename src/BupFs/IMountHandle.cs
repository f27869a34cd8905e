namespace BupFs;

/// <summary>A live mount made by a host. Disposing it unmounts.</summary>
public interface IMountHandle : IAsyncDisposable
{
    /// <summary>The folder the filesystem is mounted on.</summary>
    string MountPoint { get; }

    /// <summary>Completes when the mount has ended, for whatever reason.</summary>
    Task Completion { get; }

    /// <summary>Unmounts and waits up to <paramref name="timeout"/> for the host loop to end.</summary>
    Task UnmountAsync(TimeSpan timeout);
}
